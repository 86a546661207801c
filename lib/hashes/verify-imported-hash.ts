import { PASSWORD_MAX_BYTES } from '../validate.js'
import type { ImportedHash } from './imported-hash.js'
import { parseImportedHash } from './parse-imported-hash.js'
import { verifyArgon2 } from './verify-argon2.js'
import { verifyBcrypt } from './verify-bcrypt.js'
import { verifyDigest } from './verify-digest.js'
import { verifyPhpass } from './verify-phpass.js'
import { verifyScryptModified } from './verify-scrypt-modified.js'
import { verifyScrypt } from './verify-scrypt.js'

/**
 * True when `password` matches the imported hash. Never throws and never rejects: a hash that
 * fails the import checks (corrupted, or stored before a limit was lowered) and a library
 * error both answer false, so a sign-in can only ever fail with 401, never 500.
 *
 * The hash is checked again here, not only at import, because the cost it carries is spent on
 * every attempt by anyone: stored data must not be trusted to be within HASH_LIMITS. The
 * password is bounded too (Appwrite's 256 bytes), since phpass and the digests hash it once
 * per iteration.
 */
export async function verifyImportedHash(password: string, imported: ImportedHash): Promise<boolean> {
  try {
    if (typeof password !== 'string' || Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return false
    const h = parseImportedHash(imported)
    switch (h.hash) {
      case 'argon2': return await verifyArgon2(password, h.password)
      case 'bcrypt': return await verifyBcrypt(password, h.password)
      case 'md5': return verifyDigest(password, 'md5', h.password)
      case 'sha': return verifyDigest(password, h.hashOptions.version, h.password)
      case 'phpass': return await verifyPhpass(password, h.password)
      case 'scrypt': return await verifyScrypt(password, h.hashOptions, h.password)
      case 'scryptMod': return await verifyScryptModified(password, h.hashOptions, h.password)
    }
  } catch {
    return false
  }
}
