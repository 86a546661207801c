import type { AccountsError } from './errors.js'

/**
 * Marks a refusal with how long the client should wait, seconds; the router sends it as
 * `Retry-After` and strategies put it in the failure info. Kept on the error itself, not in
 * its message, so any renderer can read it.
 */
export function withRetryAfter(err: AccountsError, seconds: number): AccountsError {
  Object.defineProperty(err, 'retryAfter', { value: Math.max(1, Math.ceil(seconds)), enumerable: false, configurable: true, writable: true })
  return err
}

/** The wait `withRetryAfter` put on an error, seconds; undefined when none. */
export function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfter?: unknown } | null)?.retryAfter
  return typeof value === 'number' && value > 0 ? value : undefined
}
