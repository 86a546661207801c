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
/** Levels of objects and arrays in prefs, the prefs object itself being the first. */
export const PREFS_MAX_DEPTH = 32

const NOT_WELL_FORMED = 'Value must be a valid string: it contains a lone UTF-16 surrogate.'

/**
 * Every string input passes here. A lone UTF-16 surrogate (`"\udfff"` in JSON) is refused:
 * it can't be encoded as UTF-8, so Redis' Lua `cjson` rejects the record holding it and a key
 * holding it collapses into U+FFFD, i.e. into another value's key.
 */
export function requireString(param: string, value: unknown): string {
  if (value === undefined || value === null) throw missingParam(param)
  if (typeof value !== 'string') throw invalidParam(param, 'Value must be a valid string.')
  if (!value.isWellFormed()) throw invalidParam(param, NOT_WELL_FORMED)
  return value
}

/** A string the caller has already typed (a server-side argument) that must be well-formed. */
export function wellFormed(param: string, value: string): string {
  if (typeof value !== 'string') throw invalidParam(param, 'Value must be a valid string.')
  if (!value.isWellFormed()) throw invalidParam(param, NOT_WELL_FORMED)
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

/**
 * A JSON object (an empty array counts as `{}`), at most 65 535 bytes once encoded, at most
 * {@link PREFS_MAX_DEPTH} levels deep, every key and string value well-formed. The depth cap
 * sits far below the 1,000 levels Redis' Lua `cjson` decodes, and keeps every reader's
 * recursion shallow.
 */
export function prefs(param: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) throw missingParam(param)
  let obj: unknown = value
  if (Array.isArray(obj) && obj.length === 0) obj = {}
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw invalidParam(param, 'Value must be a valid object.')
  }
  let encoded: string
  let nonFinite = false
  try {
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would silently store as null.
    encoded = JSON.stringify(obj, (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) nonFinite = true
      return v
    })
  } catch {
    throw invalidParam(param, 'Value must be a valid object.')
  }
  if (nonFinite) throw invalidParam(param, 'Value must be a valid object: numbers must be finite.')
  if (Buffer.byteLength(encoded, 'utf8') > PREFS_MAX_BYTES) {
    throw invalidParam(param, `Value must be a valid object and no longer than ${PREFS_MAX_BYTES} bytes when encoded as JSON.`)
  }
  // Re-parse so the stored value is plain JSON (no prototypes, no `toJSON` surprises).
  const plain = JSON.parse(encoded) as Record<string, unknown>
  const problem = jsonProblem(plain, PREFS_MAX_DEPTH)
  if (problem) throw invalidParam(param, `Value must be a valid object of at most ${PREFS_MAX_DEPTH} levels with well-formed keys and strings: ${problem}.`)
  return plain
}

/**
 * Why parsed JSON can't be stored as is, or null: a lone surrogate in a key or a string, or
 * more than `maxDepth` levels of objects and arrays. Recursion stops at `maxDepth`, so even
 * a hostile value costs at most that much stack. (The offending key is not echoed: it may
 * be 64 KB long, or be the lone surrogate.)
 */
export function jsonProblem(value: unknown, maxDepth: number): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : 'a string contains a lone UTF-16 surrogate'
  if (typeof value !== 'object' || value === null) return null
  if (maxDepth < 1) return 'it is nested too deeply'
  for (const [key, item] of Object.entries(value)) {
    if (!key.isWellFormed()) return 'a key contains a lone UTF-16 surrogate'
    const problem = jsonProblem(item, maxDepth - 1)
    if (problem) return problem
  }
  return null
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
