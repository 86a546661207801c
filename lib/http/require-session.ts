import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { toAccountModel, toSessionModel } from '../models.js'
import { readSessionCarrier } from './carriers.js'
import { sendError } from './render-error.js'

export interface RequireSessionOptions {
  /** Redirect guests (and blocked accounts) here instead of answering 401/403 JSON. */
  redirectTo?: string
}

/**
 * Guards a host-app route: sets `req.account`, `req.accountSession` (and `req.user` when
 * nothing set it). One store round trip (session and account share a hash tag) and no
 * writes, so it is cheap enough for every request.
 */
export function requireSession(accounts: Accounts, options: RequireSessionOptions = {}) {
  if (options.redirectTo !== undefined && (typeof options.redirectTo !== 'string' || options.redirectTo === '')) {
    throw new TypeError('requireSession options.redirectTo must be a non-empty string')
  }
  const { redirectTo } = options
  return async function requireAccountSession(req: Request, res: Response, next: NextFunction): Promise<void> {
    const carrier = readSessionCarrier(req, accounts.options.project)
    const auth = carrier ? await accounts.sessions.resolve(carrier.value) : null
    let refusal: AccountsError | null = null
    if (!auth) refusal = new AccountsError('general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])')
    else if (!auth.account.status) refusal = new AccountsError('user_blocked')
    if (refusal || !auth) {
      if (redirectTo !== undefined) return res.redirect(302, redirectTo)
      return sendError(res, refusal ?? new AccountsError('general_unauthorized_scope'))
    }
    req.account = toAccountModel(auth.account)
    req.accountSession = toSessionModel(auth.session, { current: true })
    const withUser = req as Request & { user?: unknown }
    if (withUser.user === undefined) withUser.user = req.account
    next()
  }
}
