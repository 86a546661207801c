/**
 * The boot-time check of a RedisStore (`store.ready()`): fail at start, naming the URL and the
 * reason, rather than boot fine and answer every request `503` later.
 */
import { AccountsError } from '../errors.js'

/** A Redis URL for a message: the password replaced by `***` (the user name stays). */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(not a URL)'
  }
}

/** The underlying reason of a store fault: the error the fault wraps, else the fault itself. */
function reasonOf(err: unknown): string {
  const cause = err instanceof AccountsError ? err.cause : err
  return cause instanceof Error ? cause.message : String(cause)
}

/**
 * Wraps a failed readiness probe into `503 store_unavailable` whose message says where the
 * store tried to connect and why it could not (`RedisStore: cannot reach Redis at
 * redis://:***@db:6379/: connect ECONNREFUSED 10.0.0.5:6379`).
 */
export function notReady(err: unknown, url: string | undefined): AccountsError {
  const where = url === undefined ? 'through options.client' : `at ${redactRedisUrl(url)}`
  return new AccountsError('store_unavailable', `RedisStore: cannot reach Redis ${where}: ${reasonOf(err)}`, { cause: err })
}
