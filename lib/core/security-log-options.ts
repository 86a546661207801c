/** Options of the per-account security log (`GET /account/logs`). */
export interface SecurityLogOptions {
  /**
   * Entries kept per account of what the account itself (or server code) did: sign-ups,
   * sessions, profile changes…; the oldest beyond it are dropped. 1–100,000. Default 1,000.
   */
  maxEntries?: number
  /**
   * Entries kept per account of what anyone can cause without the account's credentials:
   * failed sign-ins, token and recovery requests. A separate cap, so a flood of them only
   * replaces older ones of its kind and never pushes the account's own entries out.
   * 1–100,000. Default 100.
   */
  maxStrangerEntries?: number
  /** Seconds an entry is kept. 1 hour – 10 years. Default 7,776,000 (90 days). */
  maxAge?: number
}

/** The security log options, every one filled in. */
export interface SecurityLogSettings {
  readonly maxEntries: number
  readonly maxStrangerEntries: number
  /** Seconds. */
  readonly maxAge: number
}

export const SECURITY_LOG_DEFAULTS: SecurityLogSettings = Object.freeze({
  maxEntries: 1000,
  maxStrangerEntries: 100,
  maxAge: 90 * 24 * 3600, // seconds
})

/** Checks the options (a `TypeError` naming the bad one) and fills in the defaults. */
export function resolveSecurityLog(options: SecurityLogOptions = {}): SecurityLogSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError('options.securityLog must be an object')
  const d = SECURITY_LOG_DEFAULTS
  const { maxEntries = d.maxEntries, maxStrangerEntries = d.maxStrangerEntries, maxAge = d.maxAge } = options
  const check = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) throw new TypeError(`options.securityLog.${name} must be an integer from ${min} to ${max}`)
  }
  check('maxEntries', maxEntries, 1, 100_000)
  check('maxStrangerEntries', maxStrangerEntries, 1, 100_000)
  check('maxAge', maxAge, 3600, 10 * 365 * 24 * 3600)
  return Object.freeze({ maxEntries, maxStrangerEntries, maxAge })
}
