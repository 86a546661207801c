import { AccountsError } from './errors.js'

/**
 * Marks a refusal with how long the client should wait, seconds; the router sends it as
 * `Retry-After` and strategies put it in the failure info. Kept on the error itself, not in
 * its message, so any renderer can read it.
 */
export function withRetryAfter(err: AccountsError, seconds: number): AccountsError {
  // A new error rather than a patched one: `retryAfter` also decides `headers`, which every
  // renderer (ours, Express' default one) sends.
  return new AccountsError(err.type, err.message, { retryAfter: Math.max(1, Math.ceil(seconds)), cause: err.cause })
}

/** The wait `withRetryAfter` put on an error, seconds; undefined when none. */
export function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfter?: unknown } | null)?.retryAfter
  return typeof value === 'number' && value > 0 ? value : undefined
}
