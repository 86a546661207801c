/**
 * Option errors that say what was given: `SmtpMailer: pass exactly one of options.url or
 * options.transport — options.url is undefined, options.transport is undefined`. A message
 * alone ("must be a string") leaves the reader guessing whether the variable was unset, empty
 * or of another type; naming the value's type answers that without echoing the value (a URL or
 * secret may hold credentials).
 */

/** What a value is, for a message: its type and size, never its content (it may be a secret). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (typeof value === 'string') return value === '' ? 'an empty string' : `a string of ${value.length} characters`
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`
  if (typeof value === 'boolean') return `the boolean ${value}`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name
    return name && name !== 'Object' ? `an object (${name})` : 'an object'
  }
  return `a ${typeof value}`
}

/** `options.a.b` in a message → the value at `a.b` of `options` (undefined when a step is missing). */
function valueAt(options: unknown, path: string): unknown {
  let value: unknown = options
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

/**
 * Adds what each option a `TypeError` message names actually is: `… — options.url is undefined`.
 * Other errors, and messages that already say so, pass through unchanged.
 */
export function explainOptionError(err: unknown, options: unknown): unknown {
  if (!(err instanceof TypeError) || err.message.includes(' — options.')) return err
  const paths = [...new Set(Array.from(err.message.matchAll(/\boptions\.([\w$-]+(?:\.[\w$-]+)*)/g), (m) => m[1]))]
  if (paths.length === 0) return err
  const given = paths.map((path) => `options.${path} is ${describeValue(valueAt(options, path))}`).join(', ')
  const explained = new TypeError(`${err.message} — ${given}`, { cause: err.cause })
  explained.stack = err.stack?.replace(err.message, explained.message)
  return explained
}

/** Runs an option check; a `TypeError` it throws comes out explained (see `explainOptionError`). */
export function checkingOptions<T>(options: unknown, check: () => T): T {
  try {
    return check()
  } catch (err) {
    throw explainOptionError(err, options)
  }
}

/** A `TypeError` with `message`, explained against `options` (see `explainOptionError`). */
export function optionError(options: unknown, message: string): TypeError {
  return explainOptionError(new TypeError(message), options) as TypeError
}
