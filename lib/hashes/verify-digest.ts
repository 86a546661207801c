import { createHash } from 'node:crypto'
import { equalBytes } from './equal-bytes.js'
import type { ShaVersion } from './imported-hash.js'

export type DigestAlgorithm = 'md5' | ShaVersion

/** Node's (OpenSSL's) names for Appwrite's spellings; only the SHA-512/t variants differ. */
const NODE_NAMES: Record<DigestAlgorithm, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  'sha512/224': 'sha512-224',
  'sha512/256': 'sha512-256',
  sha512: 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
}

/** Output size in bytes; the stored hash is exactly twice as many hex digits. */
export const DIGEST_BYTES: Record<DigestAlgorithm, number> = {
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  'sha512/224': 28,
  'sha512/256': 32,
  sha512: 64,
  'sha3-224': 28,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
}

/**
 * Appwrite's MD5 and SHA imports store PHP's `hash($algo, $password)`: the unsalted digest of
 * the password's bytes (UTF-8 here), in hex. Compared as bytes, so the hex case does not matter.
 */
export function verifyDigest(password: string, algorithm: DigestAlgorithm, storedHex: string): boolean {
  const actual = createHash(NODE_NAMES[algorithm]).update(password, 'utf8').digest()
  return equalBytes(actual, Buffer.from(storedHex, 'hex'))
}
