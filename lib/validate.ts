import { invalidParam, missingParam } from './errors.js'

/**
 * Input checks shared by the core and the router. Each takes `unknown` (a JSON body or a
 * server-side caller's argument), returns the typed value, or throws a
 * `400 general_argument_invalid` naming the parameter, with Appwrite's wording.
 */

const ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/
// Pragmatic address check: one @, a dot-separated domain, no spaces or control characters.
const EMAIL = /^[^\s@<>()[\]\\,;:"\u0000-\u001f]+@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/

export const PASSWORD_MIN_BYTES = 8
export const PASSWORD_MAX_BYTES = 256
export const PREFS_MAX_BYTES = 65535
export const NAME_MAX_CHARS = 128

export function requireString(param: string, value: unknown): string {
  if (value === undefined || value === null) throw missingParam(param)
  if (typeof value !== 'string') throw invalidParam(param, 'Value must be a valid string.')
  return value
}

/** A custom id or `unique()`; returns null for `unique()` (the caller generates one). */
export function userId(param: string, value: unknown): string | null {
  const v = requireString(param, value)
  if (v === 'unique()') return null
  if (!ID.test(v)) {
    throw invalidParam(param, "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char")
  }
  return v
}

/** Lowercased email address. */
export function email(param: string, value: unknown): string {
  const v = requireString(param, value)
  if (v.length > 254 || !EMAIL.test(v)) throw invalidParam(param, 'Value must be a valid email address')
  return v.toLowerCase()
}

/** Length is counted in UTF-8 bytes, as Appwrite (PHP strlen) does. */
export function password(param: string, value: unknown): string {
  const v = requireString(param, value)
  const bytes = Buffer.byteLength(v, 'utf8')
  if (bytes < PASSWORD_MIN_BYTES || bytes > PASSWORD_MAX_BYTES) {
    throw invalidParam(param, `Password must be between ${PASSWORD_MIN_BYTES} and ${PASSWORD_MAX_BYTES} characters long.`)
  }
  return v
}

/** A display name: 1–128 characters (code points). `allowEmpty` for the optional sign-up name. */
export function name(param: string, value: unknown, allowEmpty = false): string {
  const v = requireString(param, value)
  const length = [...v].length
  if ((length < 1 && !allowEmpty) || length > NAME_MAX_CHARS) {
    throw invalidParam(param, `Value must be a valid string and at least 1 chars and no longer than ${NAME_MAX_CHARS} chars`)
  }
  return v
}

/** A JSON object (an empty array counts as `{}`), at most 65 535 bytes once encoded. */
export function prefs(param: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) throw missingParam(param)
  let obj: unknown = value
  if (Array.isArray(obj) && obj.length === 0) obj = {}
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw invalidParam(param, 'Value must be a valid object.')
  }
  let encoded: string
  try {
    encoded = JSON.stringify(obj)
  } catch {
    throw invalidParam(param, 'Value must be a valid object.')
  }
  if (Buffer.byteLength(encoded, 'utf8') > PREFS_MAX_BYTES) {
    throw invalidParam(param, `Value must be a valid object and no longer than ${PREFS_MAX_BYTES} bytes when encoded as JSON.`)
  }
  // Re-parse so the stored value is plain JSON (no prototypes, no `toJSON` surprises).
  return JSON.parse(encoded) as Record<string, unknown>
}

export function invalidBoolean(param: string) {
  return invalidParam(param, 'Value must be a valid boolean')
}

/** An id path/body parameter such as a session id: non-empty text up to 256 characters. */
export function text(param: string, value: unknown, max = 256): string {
  const v = requireString(param, value)
  if (v.length < 1 || v.length > max) {
    throw invalidParam(param, `Value must be a valid string and at least 1 chars and no longer than ${max} chars`)
  }
  return v
}
