import type { NextFunction, Request, Response } from 'express'
import { AccountsError } from '../errors.js'

/** The Appwrite server version our wire format follows. */
export const APPWRITE_VERSION = '1.9.6'

/**
 * Renders an error as Appwrite does: `{message, code, type, version}` with the right status.
 * A 503 (store down or slow, server busy, delivery off) carries `Retry-After` (see
 * `AccountsError.headers`), so clients and proxies back off instead of hammering.
 */
export function sendError(res: Response, err: AccountsError): void {
  res.status(err.code)
  res.set({
    'Content-Type': 'application/json; charset=UTF-8',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Expires: '0',
    Pragma: 'no-cache',
    ...err.headers,
  })
  res.send(JSON.stringify({ message: err.message, code: err.code, type: err.type, version: APPWRITE_VERSION }))
}

interface HttpishError {
  type?: unknown
  status?: unknown
  statusCode?: unknown
}

/** Maps anything thrown inside the router to an AccountsError; unknown faults become 500. */
export function toAccountsError(err: unknown): AccountsError {
  if (err instanceof AccountsError) return err
  const e = (err ?? {}) as HttpishError
  // body-parser errors carry a `type` and a 4xx status: they are the client's fault.
  if (e.type === 'entity.parse.failed') return new AccountsError('general_argument_invalid', 'The request body is not valid JSON.')
  if (e.type === 'entity.too.large') return new AccountsError('general_argument_invalid', 'The request body is too large.')
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500
  // e.g. passport's AuthenticationError with `failWithError: true`
  if (status === 401) return new AccountsError('user_unauthorized')
  if (status >= 400 && status < 500) return new AccountsError('general_bad_request')
  return new AccountsError('general_unknown')
}

/** The last route of a router: any path it doesn't serve answers `404 general_route_not_found`. */
export function routeNotFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new AccountsError('general_route_not_found'))
}

/** Express error middleware for the router: never leaks internals, always Appwrite-shaped. */
export function errorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err)
    return
  }
  const mapped = toAccountsError(err)
  if (mapped.type === 'general_unknown') {
    // Bugs are logged server-side; the client only sees 500. Store faults are 503s and are
    // reported by the store (once per outage), not once per request.
    console.error('express-accounts: request failed', err)
  }
  sendError(res, mapped)
}
