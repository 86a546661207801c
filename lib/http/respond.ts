import type { Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { toSessionModel, toTokenModel } from '../models.js'
import type { TokenIssue } from '../passwordless.js'
import type { ClientContext, SignIn } from '../core/sessions.js'
import { clientKey } from '../limits/client-key.js'
import { callerOf } from './caller.js'
import { single } from './carriers.js'
import { setSessionCookies, type CookieSettings } from './session-cookies.js'

/** JSON with the content type the SDKs look for (they parse only `application/json`). */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status)
  res.set('Content-Type', 'application/json; charset=UTF-8')
  res.send(JSON.stringify(body))
}

export function cookieSettings(accounts: Accounts): CookieSettings {
  return { project: accounts.options.project, sameSite: accounts.options.cookieSameSite, owner: accounts }
}

/**
 * Who is signing in. A server (API-key) caller relays its own user's browser through
 * `X-Forwarded-User-Agent`; from anyone else that header is ignored.
 */
export function clientContext(req: Request, res: Response): ClientContext {
  const { isKey } = callerOf(res)
  const forwarded = isKey ? single(req.headers['x-forwarded-user-agent']) : undefined
  const ip = req.ip ?? ''
  // API-key callers relay many users from one server: they are not charged a client's share.
  return { ip, userAgent: forwarded ?? single(req.headers['user-agent']) ?? '', limitKey: isKey ? undefined : clientKey(ip) }
}

/**
 * A freshly issued token: its raw secret only for API-key callers (wire reference §2.6).
 * `hideUserId`: the flow's link carries the account id, so the answer need not; leaving it
 * out (`''`) keeps the answer for a known email identical to the one for an unknown email.
 */
export function sendToken(res: Response, status: number, issue: TokenIssue, hideUserId = false): void {
  const isKey = callerOf(res).isKey
  const model = toTokenModel(issue.token, { secret: isKey ? issue.secret : '', phrase: issue.phrase })
  if (hideUserId && !isKey) model.userId = ''
  sendJson(res, status, model)
}

/** A new session: sets the carriers and answers 201; only API-key callers see the session value. */
export function sendSignIn(req: Request, res: Response, accounts: Accounts, s: SignIn): void {
  setSessionCookies(req, res, cookieSettings(accounts), s.value, s.session.expiresAt)
  sendJson(res, 201, toSessionModel(s.session, { current: true, secret: callerOf(res).isKey ? s.value : '' }))
}
