import { createHash } from 'node:crypto'
import bcrypt from 'bcrypt'

/**
 * bcrypt reads at most 72 bytes. Pre-hashing with SHA-256 (base64, 44 ASCII bytes, no NUL)
 * makes every byte of a 256-byte password count and keeps bcrypt's input fixed-size.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64')
}

export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(prehash(password), cost)
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash)
}

/** True when the hash was made with another cost than the configured one. */
export function needsRehash(hash: string, cost: number): boolean {
  try {
    return bcrypt.getRounds(hash) !== cost
  } catch {
    return true
  }
}

const dummyHashes = new Map<number, Promise<string>>()

/**
 * Spends the same bcrypt time as a real check, so an unknown email answers as slowly as a
 * wrong password (no account enumeration by timing).
 */
export async function burnPasswordCheck(password: string, cost: number): Promise<void> {
  let hash = dummyHashes.get(cost)
  if (!hash) {
    hash = hashPassword('express-accounts-dummy-password', cost)
    dummyHashes.set(cost, hash)
  }
  await verifyPassword(password, await hash)
}
