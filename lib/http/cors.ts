import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { single } from './carriers.js'

const ALLOWED_HEADERS = [
  'Content-Type', 'Content-Range', 'Cache-Control', 'Accept', 'Origin', 'Range', 'X-Requested-With',
  'X-Appwrite-Project', 'X-Appwrite-Key', 'X-Appwrite-Session', 'X-Appwrite-JWT', 'X-Appwrite-Locale',
  'X-Appwrite-Response-Format', 'X-Appwrite-Mode', 'X-Appwrite-Dev-Key', 'X-Appwrite-ID', 'X-Appwrite-Timeout',
  'X-Forwarded-User-Agent', 'X-Fallback-Cookies', 'X-SDK-Name', 'X-SDK-Platform', 'X-SDK-Language', 'X-SDK-Version',
  'X-Appwrite-Impersonate-User-Id', 'X-Appwrite-Impersonate-User-Email', 'X-Appwrite-Impersonate-User-Phone',
  'Authorization',
].join(', ')
const EXPOSED_HEADERS = 'X-Appwrite-Session, X-Fallback-Cookies, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After'
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS'

/**
 * CORS for `allowedOrigins`, with credentials. A browser Origin that is neither listed nor
 * the API's own origin gets `403 general_unknown_origin`, as in Appwrite: with cookie
 * sessions that refusal is also what stops cross-site request forgery. Requests without an
 * Origin (server SDKs) and API-key requests are not browser traffic and pass.
 */
export function cors(accounts: Accounts) {
  const allowed = new Set(accounts.options.allowedOrigins)
  return function accountsCors(req: Request, res: Response, next: NextFunction): void {
    const origin = single(req.headers.origin)
    if (!origin) return next()
    res.vary('Origin')
    if (allowed.has(origin)) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Expose-Headers': EXPOSED_HEADERS,
      })
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': ALLOWED_METHODS,
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '86400',
        })
        res.status(204).end()
        return
      }
      return next()
    }
    if (isSameOrigin(req, origin) || req.headers['x-appwrite-key'] !== undefined) return next()
    next(new AccountsError('general_unknown_origin'))
  }
}

function isSameOrigin(req: Request, origin: string): boolean {
  const host = req.get('host')
  return host !== undefined && origin === `${req.protocol}://${host}`
}
