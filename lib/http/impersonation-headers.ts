import type { IncomingHttpHeaders } from 'node:http'
import type { Request } from 'express'
import type { Accounts } from '../accounts.js'
import type { Authenticated } from '../core/sessions.js'
import type { Impersonated, ImpersonationContext, ImpersonationTarget } from '../impersonation.js'
import { single } from './carriers.js'

/** Appwrite's impersonation headers, in its order of precedence. */
export const IMPERSONATION_HEADERS = ['X-Appwrite-Impersonate-User-Id', 'X-Appwrite-Impersonate-User-Email', 'X-Appwrite-Impersonate-User-Phone'] as const

const BY = ['id', 'email', 'phone'] as const

/** The same names as Node keys `req.headers` (lower case), computed once, not per request. */
const HEADER_KEYS = IMPERSONATION_HEADERS.map((h) => h.toLowerCase())

/**
 * Whom the request asks to act as, or null. An empty header counts as absent (Appwrite's
 * `empty()`). Appwrite also reads `impersonateUserId` & co. from the query string (for the
 * console's image URLs); we do not: a URL can be made to load with the victim's cookies by any
 * page, a header cannot.
 */
export function readImpersonation(req: Request): ImpersonationTarget | null {
  return impersonationIn(req.headers)
}

/** {@link readImpersonation} from the request's headers (read once on the hot path). */
export function impersonationIn(headers: IncomingHttpHeaders): ImpersonationTarget | null {
  for (let i = 0; i < IMPERSONATION_HEADERS.length; i++) {
    const value = single(headers[HEADER_KEYS[i] as string])
    if (value !== undefined && value !== '') return { by: BY[i] as ImpersonationTarget['by'], value }
  }
  return null
}

/** The request as the `impersonation` event records it (the path without its query string). */
export function impersonationContext(req: Request): ImpersonationContext {
  return { ip: req.ip ?? '', userAgent: single(req.headers['user-agent']) ?? '', method: req.method, path: req.originalUrl.split('?')[0] ?? '' }
}

const settled = new WeakMap<Request, { sessionId: string | null; outcome: Promise<Impersonated | null> }>()

/**
 * `accounts.impersonation.resolve` for this request, once: the router, passport's
 * deserializer, `requireSession()` and `JwtStrategy` may each see one request, and it must be
 * checked (and its `impersonation` event emitted) once, with one answer for all of them.
 */
export function impersonationOf(accounts: Accounts, req: Request, caller: Authenticated | null): Promise<Impersonated | null> {
  const sessionId = caller ? caller.session.id : null
  const known = settled.get(req)
  if (known && known.sessionId === sessionId) return known.outcome
  const outcome = accounts.impersonation.resolve(caller, readImpersonation(req), impersonationContext(req))
  settled.set(req, { sessionId, outcome })
  return outcome
}
