import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Who is making the current request, as the security log records it. The router (and each
 * strategy) opens a scope per request with {@link inRequestScope}; the core reads it where a
 * security event happens, so no core method needs an extra parameter for it. Outside any scope
 * (server code calling the core directly) nothing is known: empty ip and user agent, mode
 * `admin`.
 */
export interface RequestScope {
  ip: string
  userAgent: string
  /** Appwrite's API mode: `'admin'` for API-key callers and server code, else `'default'`. */
  mode: 'default' | 'admin'
  /**
   * Who acts, when it is not the account itself (an impersonator, an admin). Absent: the
   * account whose log it is.
   */
  actor?: { id: string; email: string; name: string; userType: string }
}

const storage = new AsyncLocalStorage<RequestScope>()

/** Runs `fn` (and everything it starts) inside the request's scope. */
export function inRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn)
}

/** The current request's scope, or undefined outside any request. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore()
}
