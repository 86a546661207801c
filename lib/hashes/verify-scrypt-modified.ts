import { createCipheriv } from 'node:crypto'
import { equalBytes } from './equal-bytes.js'
import type { ScryptModifiedOptions } from './imported-hash.js'
import { scryptBytes } from './verify-scrypt.js'

/**
 * Firebase's published defaults (rounds 8, mem_cost 14), which Appwrite's `scryptMod` fixes:
 * its model has no field for other values.
 */
const FIREBASE_SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 } as const

/**
 * Firebase's modified scrypt (github.com/firebase/scrypt): key = scrypt(password,
 * salt ‖ saltSeparator, N = 2^mem_cost, r = rounds, p = 1, 64 bytes); the hash is the
 * signer key encrypted with AES-256-CTR under the key's first 32 bytes and a zero IV.
 * Every parameter and the hash are base64, as Firebase exports them.
 */
export async function verifyScryptModified(password: string, options: ScryptModifiedOptions, storedBase64: string): Promise<boolean> {
  const salt = Buffer.concat([Buffer.from(options.salt, 'base64'), Buffer.from(options.saltSeparator, 'base64')])
  const key = await scryptBytes(Buffer.from(password, 'utf8'), salt, 64, FIREBASE_SCRYPT_COST)
  const cipher = createCipheriv('aes-256-ctr', key.subarray(0, 32), Buffer.alloc(16))
  const computed = Buffer.concat([cipher.update(Buffer.from(options.signerKey, 'base64')), cipher.final()])
  return equalBytes(computed, Buffer.from(storedBase64, 'base64'))
}
