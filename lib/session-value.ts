import { TextMemo } from './text-memo.js'

/**
 * The value every session carrier holds (cookie, `X-Appwrite-Session`, `X-Fallback-Cookies`,
 * express-session): Appwrite's `base64(JSON {"id": <userId>, "secret": <secret>})`.
 */
export interface SessionValue {
  userId: string
  secret: string
}

/** The session value every carrier holds: `base64(JSON {id, secret})`. */
export function encodeSessionValue(value: SessionValue): string {
  return Buffer.from(JSON.stringify({ id: value.userId, secret: value.secret })).toString('base64')
}

/**
 * Null when the value is not base64 JSON naming an id or a secret; Appwrite then tries the
 * next carrier. A value that decodes to *something* ends the search even if it is wrong.
 */
export function decodeSessionValue(raw: string | undefined): SessionValue | null {
  const value = readSessionValue(raw)
  return value === null ? null : { ...value }
}

/**
 * Decoded values of recently seen carriers, keyed by the carrier text: every request of a
 * signed-in client presents the same text, and base64 plus JSON.parse was a tenth of
 * `requireSession()`'s own cost. Bounded like every memo of caller-controlled text (a flood
 * of distinct values only empties it). It holds session values in process memory only,
 * never in the store, where secrets stay hashed.
 */
const decoded = new TextMemo<Readonly<SessionValue>>({ maxEntries: 4096, maxKeyChars: 4096, maxTotalChars: 2_000_000 })

/** {@link decodeSessionValue} for the request path: the result is shared and frozen. */
export function readSessionValue(raw: string | undefined): Readonly<SessionValue> | null {
  if (!raw || raw.length > 4096) return null
  const known = decoded.get(raw)
  if (known !== undefined) return known
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'))
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null) return null
  const { id, secret } = parsed as Record<string, unknown>
  const userId = typeof id === 'string' ? id : ''
  const s = typeof secret === 'string' ? secret : ''
  if (!userId && !s) return null
  const value = Object.freeze({ userId, secret: s })
  decoded.set(raw, value)
  return value
}
