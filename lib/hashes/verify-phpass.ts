import * as crypto from 'node:crypto'
import { equalBytes } from './equal-bytes.js'
import { BCRYPT_PATTERN, verifyBcrypt } from './verify-bcrypt.js'

/** phpass' own base-64 alphabet (not RFC 4648's): it encodes the log2 count and the digest. */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** `$P$` (phpass, WordPress) or `$H$` (phpBB 3), a count character, 8 salt and 22 digest characters. */
export const PHPASS_PATTERN = /^\$[PH]\$[./0-9A-Za-z]{31}$/

/** Log2 of the MD5 iteration count a portable hash encodes in its fourth character. */
export function phpassLog2(hash: string): number {
  return ITOA64.indexOf(hash[3] ?? '')
}

/**
 * One-shot MD5 of a buffer. `crypto.hash` (Node 20.12+) is about 2.5× faster than a
 * `createHash` per iteration, which matters at 2^16 iterations; older Node 20 falls back.
 */
const md5: (data: Buffer) => Buffer = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('md5', data, 'buffer') as Buffer
  : (data) => crypto.createHash('md5').update(data).digest()

/** MD5 iterations run between two yields to the event loop (a few milliseconds of work). */
const ITERATIONS_PER_TURN = 4096

/**
 * phpass' "portable" hash, as Openwall's phpass 0.3+ and WordPress define it:
 * x = MD5(salt ‖ password), then 2^log2 times x = MD5(x ‖ password); the result is the
 * 12-character setting followed by phpass' encoding of the 16-byte x. phpass' non-portable
 * mode stores bcrypt (`$2a$`) instead, and Appwrite falls back to `crypt()` for it, so those
 * are verified as bcrypt.
 */
export async function verifyPhpass(password: string, hash: string): Promise<boolean> {
  if (BCRYPT_PATTERN.test(hash)) return verifyBcrypt(password, hash)
  const log2 = phpassLog2(hash)
  const secret = Buffer.from(password, 'utf8')
  let x = md5(Buffer.concat([Buffer.from(hash.slice(4, 12), 'latin1'), secret]))
  const input = Buffer.alloc(16 + secret.length)
  secret.copy(input, 16)
  for (let left = 2 ** log2; left > 0; left--) {
    x.copy(input, 0)
    x = md5(input)
    // Up to 2^16 synchronous digests would stall every other request for a noticeable time.
    if (left % ITERATIONS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  const computed = hash.slice(0, 12) + encode64(x)
  return equalBytes(Buffer.from(computed, 'latin1'), Buffer.from(hash, 'latin1'))
}

/**
 * phpass' encoding: each group of up to three bytes, read little-endian, gives up to four
 * characters, least significant six bits first; a short last group gives one character more
 * than it has bytes (16 bytes → 22 characters).
 */
function encode64(input: Buffer): string {
  let out = ''
  for (let i = 0; i < input.length; i += 3) {
    const group = input.subarray(i, i + 3)
    let value = 0
    group.forEach((byte, k) => { value |= byte << (8 * k) })
    for (let k = 0; k <= group.length; k++) out += ITOA64[(value >> (6 * k)) & 0x3f]
  }
  return out
}
