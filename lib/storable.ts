import { isDeepStrictEqual } from 'node:util'
import { invalidParam } from './errors.js'

/**
 * Deepest nesting a stored record may have. Account prefs (at most 32 levels, see
 * `PREFS_MAX_DEPTH`) start one level below the record; the rest is headroom. Redis' Lua
 * `cjson` refuses anything past 1,000 levels.
 */
const MAX_RECORD_DEPTH = 40

/**
 * Refuses (`400 general_argument_invalid` naming the field) a record that a store could not
 * write as JSON and read back unchanged: a lone UTF-16 surrogate anywhere (Redis' Lua `cjson`
 * can't decode it, and UTF-8 turns it into U+FFFD), non-finite numbers, non-plain objects,
 * functions, or nesting past {@link MAX_RECORD_DEPTH}. The core calls it before every write,
 * so a value that slipped past the input checks (a server-side caller, `accounts.update`, an
 * OAuth2 provider) still can't freeze an account.
 *
 * `before`: the record as stored. A field that already held such a value (written before
 * this check existed) may be carried over unchanged, so that account stays updatable and can
 * be repaired; no new such value is ever written. Only looked at when a field fails, so the
 * usual cost is one walk of the record.
 */
export function assertStorable<T extends object>(record: T, before?: T | null): void {
  const fields = record as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    const problem = problemOf(fields[key], 1)
    if (problem === null) continue
    if (before && isDeepStrictEqual(fields[key], (before as Record<string, unknown>)[key])) continue
    throw invalidParam(key, `Value ${problem}.`)
  }
}

function problemOf(value: unknown, depth: number): string | null {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? null : 'contains a lone UTF-16 surrogate'
    case 'number':
      return Number.isFinite(value) ? null : 'must be a finite number'
    case 'boolean':
    case 'undefined': // an absent optional field: JSON leaves it out, every store alike
      return null
    case 'object':
      return value === null ? null : containerProblem(value, depth)
    default:
      return `must be JSON data, not a ${typeof value}`
  }
}

function containerProblem(value: object, depth: number): string | null {
  if (depth >= MAX_RECORD_DEPTH) return `must not be nested more than ${MAX_RECORD_DEPTH} levels deep`
  if (Array.isArray(value)) {
    for (const item of value) {
      // JSON turns `undefined` (and holes) in an array into null: not the same value back.
      if (item === undefined) return 'must be JSON data: an array holds undefined'
      const problem = problemOf(item, depth + 1)
      if (problem !== null) return problem
    }
    return null
  }
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return 'must be plain JSON data (a Date, Map or class instance would not read back the same)'
  const fields = value as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    if (!key.isWellFormed()) return 'has a key with a lone UTF-16 surrogate'
    const problem = problemOf(fields[key], depth + 1)
    if (problem !== null) return problem
  }
  return null
}
