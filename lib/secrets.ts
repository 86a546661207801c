import * as crypto from 'node:crypto'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * SHA-256 as hex. Node's one-shot `crypto.hash()` (20.12+) skips the Hash object and is about
 * twice as fast for the short inputs of the request path (two hashes per `requireSession()`);
 * older Node 20 releases fall back to `createHash`. Same digest either way.
 */
const sha256 = typeof crypto.hash === 'function'
  ? (value: string): string => crypto.hash('sha256', value, 'hex')
  : (value: string): string => createHash('sha256').update(value).digest('hex')

/** A fresh 256-bit secret as 64 hex characters. */
export function newSecret(): string {
  return randomBytes(32).toString('hex')
}

/** Appwrite-style id: 20 hex characters (what `ID.unique()` makes client-side). */
export function newId(): string {
  const time = Date.now().toString(16).padStart(12, '0').slice(-12)
  return time + randomBytes(4).toString('hex')
}

export function sha256Hex(value: string): string {
  return sha256(value)
}

/**
 * The id of the session a secret opens. Deriving it (one-way, domain-separated from the
 * stored hash) lets a carrier that names only the account and the secret find its session
 * with a single keyed read instead of scanning the account's sessions, while the public
 * `$id` reveals nothing usable about the secret (a 256-bit preimage).
 */
export function sessionIdFor(secret: string): string {
  return sha256(`express-accounts:session-id:${secret}`).slice(0, 20)
}

/** Constant-time comparison of two strings (hex digests, keys). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest()
  const y = createHash('sha256').update(b).digest()
  // Comparing fixed-length digests keeps the time independent of where the inputs differ
  // and of their lengths.
  return timingSafeEqual(x, y)
}

/**
 * Constant-time comparison of a stored SHA-256 hex digest with one just computed: both have a
 * length everyone knows (64), so they are compared as they are, without hashing them again as
 * `safeEqual` does. A length mismatch (a corrupt record) answers false at once; that reveals
 * nothing about either digest's content.
 */
export function safeEqualDigest(stored: string, computed: string): boolean {
  if (stored.length !== computed.length) return false
  return timingSafeEqual(Buffer.from(stored, 'latin1'), Buffer.from(computed, 'latin1'))
}
