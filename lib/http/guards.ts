import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import type { Authenticated } from '../core/sessions.js'
import { callerOf } from './caller.js'

/**
 * The `account` scope: only a signed-in user has it. A guest, or an API key without a
 * session, gets Appwrite's `general_unauthorized_scope` (keys never hold `account`).
 */
export function needAccount(accounts: Accounts, options: { mfaExempt?: boolean } = {}) {
  return function needAccountScope(_req: Request, res: Response, next: NextFunction): void {
    const caller = callerOf(res)
    if (caller.auth) {
      // The MFA gate: a session that has not yet proved a second factor reaches only the
      // routes that let it do so (Appwrite's `mfa` group).
      // While impersonating, the session is the impersonator's: its factors count against the
      // impersonator's MFA (the target's does not bind someone else's session).
      const owner = caller.impersonator ?? caller.auth.account
      if (!options.mfaExempt && accounts.mfa.needsMoreFactors(owner, caller.auth.session)) {
        return next(new AccountsError('user_more_factors_required'))
      }
      return next()
    }
    const who = caller.isKey ? `app.${accounts.options.project} (role: applications)` : 'User (role: guests)'
    next(new AccountsError('general_unauthorized_scope', `${who} missing scopes (["account"])`))
  }
}

/** Session-creating routes refuse a caller who already has a live session (keys exempt). */
export function needNoSession(_req: Request, res: Response, next: NextFunction): void {
  const caller = callerOf(res)
  if (caller.auth && !caller.isKey) return next(new AccountsError('user_session_already_exists'))
  next()
}

/** The signed-in caller; only call after `needAccount`. */
export function authOf(res: Response): Authenticated {
  const auth = callerOf(res).auth
  if (!auth) throw new AccountsError('general_unauthorized_scope')
  return auth
}

/** The session the caller presented itself, or null under a JWT (which has no "current"). */
export function currentSessionId(res: Response): string | null {
  const caller = callerOf(res)
  return caller.auth && caller.source !== 'jwt' ? caller.auth.session.id : null
}

/** Routes that change second factors need a challenge passed on this session in the last 30 min. */
export function needRecentChallenge(accounts: Accounts) {
  return function recentChallenge(_req: Request, res: Response, next: NextFunction): void {
    if (!accounts.mfa.hasRecentChallenge(authOf(res).session)) return next(new AccountsError('user_challenge_required'))
    next()
  }
}
