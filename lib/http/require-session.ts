import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { toAccountModel } from '../models.js'
import type { Authenticated } from '../core/sessions.js'
import { authenticate } from './caller.js'
import { impersonationOf, readImpersonation } from './impersonation-headers.js'
import { passportRef } from './passport-session.js'
import { prepareRequestProperties, setDefaultUser, setSessionOnRead } from './request-properties.js'
import { sendError, toAccountsError } from './render-error.js'

/** Options of `accounts.requireSession()`. */
export interface RequireSessionOptions {
  /** Redirect guests (and blocked accounts) here instead of answering 401/403 JSON. */
  redirectTo?: string | undefined
  /**
   * Let a session through that still owes its second factor (MFA on, not yet challenged),
   * e.g. for the page that shows the challenge form. Default `false`: such a session gets
   * `401 user_more_factors_required`, as on the router's account routes.
   */
  skipMfa?: boolean | undefined
  /**
   * Let an impersonator (an account with the `impersonator` flag) act as another account with
   * `X-Appwrite-Impersonate-User-Id` / `-Email` / `-Phone`: `req.account` is then that account
   * and `req.impersonatorId` says who asked. Default `true`; pass `false` on routes an
   * impersonator must not use as someone else (they then answer `401 user_unauthorized`).
   */
  allowImpersonation?: boolean | undefined
}

/**
 * Guards a host-app route: sets `req.account`, `req.accountSession` (and `req.user` when
 * nothing set it). Accepts every carrier the router accepts, JWTs included, and a passport
 * login kept in express-session. One store round trip (session and account share a hash
 * tag) and no writes, so it is cheap enough for every request.
 */
export function requireSession(accounts: Accounts, options: RequireSessionOptions = {}) {
  if (options.redirectTo !== undefined && (typeof options.redirectTo !== 'string' || options.redirectTo === '')) {
    throw new TypeError('requireSession options.redirectTo must be a non-empty string')
  }
  if (options.skipMfa !== undefined && typeof options.skipMfa !== 'boolean') {
    throw new TypeError('requireSession options.skipMfa must be a boolean')
  }
  if (options.allowImpersonation !== undefined && typeof options.allowImpersonation !== 'boolean') {
    throw new TypeError('requireSession options.allowImpersonation must be a boolean')
  }
  const { redirectTo, skipMfa = false, allowImpersonation = true } = options
  return async function requireAccountSession(req: Request, res: Response, next: NextFunction): Promise<void> {
    let auth: Authenticated | null = null
    let viaJwt = false
    let refusal: AccountsError | null = null
    try {
      const found = await authenticate(req, accounts)
      auth = found.auth
      viaJwt = found.source === 'jwt'
      // A passport login through express-session carries the same Session reference.
      if (!auth && found.source === null) auth = await fromPassportSession(req, accounts)
    } catch (err) {
      // A bad JWT (401), a JWT sent with a session (403), a store fault (503 with Retry-After)
      // or a bug (500, logged): always answered here, Appwrite-shaped, never Express' HTML
      // error page with its stack trace. A store fault is not a reason to redirect a signed-in
      // user to a login page, so `redirectTo` applies to refusals only.
      const fault = toAccountsError(err)
      if (fault.type === 'general_unknown') console.error('express-accounts: requireSession failed', err)
      if (fault.code >= 500) return sendError(res, fault)
      refusal = fault
    }
    if (!refusal && !auth) refusal = new AccountsError('general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])')
    if (!refusal && auth && !auth.account.status) refusal = new AccountsError('user_blocked')
    if (!refusal && auth && !skipMfa && accounts.mfa.needsMoreFactors(auth.account, auth.session)) {
      refusal = new AccountsError('user_more_factors_required')
    }
    // After the caller's own checks (blocked, MFA owed): only a caller who passes them may ask
    // to be someone else. `Impersonation.resolve` re-checks both on the impersonator.
    let impersonatorId: string | undefined
    const target = refusal || !auth ? null : readImpersonation(req)
    if (target !== null) {
      try {
        if (!allowImpersonation) throw new AccountsError('user_unauthorized', 'This action cannot be taken while impersonating another user.')
        const impersonated = await impersonationOf(accounts, req, auth)
        if (impersonated) {
          auth = impersonated.auth
          impersonatorId = impersonated.impersonator.id
        }
      } catch (err) {
        const fault = toAccountsError(err)
        if (fault.type === 'general_unknown') console.error('express-accounts: requireSession failed', err)
        if (fault.code >= 500) return sendError(res, fault)
        refusal = fault
      }
    }
    if (refusal || !auth) {
      if (redirectTo !== undefined) return res.redirect(302, redirectTo)
      return sendError(res, refusal ?? new AccountsError('general_unauthorized_scope'))
    }
    prepareRequestProperties(req)
    req.account = toAccountModel(auth.account, { impersonatorUserId: impersonatorId ?? null })
    if (impersonatorId !== undefined) req.impersonatorId = impersonatorId
    // As in Appwrite's session list, a JWT-authenticated request has no `current` session.
    setSessionOnRead(req, auth.session, !viaJwt)
    setDefaultUser(req, req.account)
    next()
  }
}

/** The Session a passport login (`req.session.passport.user`, see passport-session.ts) refers to. */
async function fromPassportSession(req: Request, accounts: Accounts): Promise<Authenticated | null> {
  const ref = passportRef(req)
  return ref ? accounts.sessions.resolveById(ref.accountId, ref.sessionId) : null
}
