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
  if (!raw || raw.length > 4096) return null
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
  return { userId, secret: s }
}
