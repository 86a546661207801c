import { scrypt } from 'node:crypto'
import { equalBytes } from './equal-bytes.js'
import type { ScryptOptions } from './imported-hash.js'

export interface ScryptCost { N: number; r: number; p: number }

/**
 * node's `crypto.scrypt` with `maxmem` set to what these parameters need (OpenSSL counts
 * 128·r·(N + 2) for V and 128·r·p for B): the 32 MiB default would refuse Firebase-sized
 * parameters at N = 2^18, and the caller has already bounded N, r and p.
 */
export function scryptBytes(password: Buffer, salt: Buffer, length: number, { N, r, p }: ScryptCost): Promise<Buffer> {
  const maxmem = 128 * r * (N + 2 + p) + 1024 * 1024
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/**
 * Appwrite's scrypt import stores php-scrypt's `scrypt($password, $salt, N, r, p, $length)`:
 * the salt as its bytes, N = `costCpu`, r = `costMemory`, p = `costParallel`, the key in hex.
 */
export async function verifyScrypt(password: string, options: ScryptOptions, storedHex: string): Promise<boolean> {
  const key = await scryptBytes(Buffer.from(password, 'utf8'), Buffer.from(options.salt, 'utf8'), options.length, {
    N: options.costCpu,
    r: options.costMemory,
    p: options.costParallel,
  })
  return equalBytes(key, Buffer.from(storedHex, 'hex'))
}
