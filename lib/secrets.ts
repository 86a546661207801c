import * as crypto from 'node:crypto'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { TextMemo } from './text-memo.js'

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

/** What a session secret is looked up and checked by: {@link sessionIdFor} and {@link sha256Hex}. */
export interface SecretDigests {
  sessionId: string
  hash: string
}

/**
 * Both digests of recently presented secrets, keyed by the secret: a signed-in client sends
 * the same secret with every request, and the two SHA-256s were the largest single cost of
 * `requireSession()` after Express itself. Process memory only (the store keeps the hash,
 * never the secret), bounded like every memo of caller-controlled text. The stored hash is
 * still compared in constant time on every request.
 */
const digests = new TextMemo<SecretDigests>({ maxEntries: 4096, maxKeyChars: 512, maxTotalChars: 1_000_000 })

/** `{ sessionId: sessionIdFor(secret), hash: sha256Hex(secret) }`, remembered for hot secrets. */
export function secretDigests(secret: string): SecretDigests {
  let known = digests.get(secret)
  if (known === undefined) {
    known = Object.freeze({ sessionId: sessionIdFor(secret), hash: sha256Hex(secret) })
    digests.set(secret, known)
  }
  return known
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
  // Every character is compared whatever the others hold: the differences are OR-ed together
  // and looked at once, after the loop, with no branch on the content (crypto.timingSafeEqual's
  // technique, written in JS as TweetNaCl's verify is). Not timingSafeEqual itself: it needs both
  // as Buffers, two allocations and a call into C++ on every requireSession() request, which
  // cost as much as the rest of the secret check.
  let diff = 0
  for (let i = 0; i < stored.length; i++) diff |= stored.charCodeAt(i) ^ computed.charCodeAt(i)
  return diff === 0
}
