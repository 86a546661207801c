import type { Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import type { ClientContext } from '../sessions.js'
import { callerOf } from './caller.js'
import { single } from './carriers.js'
import type { CookieSettings } from './session-cookies.js'

/** JSON with the content type the SDKs look for (they parse only `application/json`). */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status)
  res.set('Content-Type', 'application/json; charset=UTF-8')
  res.send(JSON.stringify(body))
}

export function cookieSettings(accounts: Accounts): CookieSettings {
  return { project: accounts.options.project, sameSite: accounts.options.cookieSameSite }
}

/**
 * Who is signing in. A server (API-key) caller relays its own user's browser through
 * `X-Forwarded-User-Agent`; from anyone else that header is ignored.
 */
export function clientContext(req: Request, res: Response): ClientContext {
  const forwarded = callerOf(res).isKey ? single(req.headers['x-forwarded-user-agent']) : undefined
  return { ip: req.ip ?? '', userAgent: forwarded ?? single(req.headers['user-agent']) ?? '' }
}
