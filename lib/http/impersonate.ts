import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { toAccountModel, type AccountModel } from '../models.js'
import type { AccountRecord } from '../store/store.js'
import { callerOf } from './caller.js'
import { impersonationOf, readImpersonation } from './impersonation-headers.js'

/**
 * The Account routes an impersonator may use as someone else: reading the account, and the
 * everyday profile changes support staff make. Everything else (password, email, phone, MFA,
 * sessions, JWTs, targets, recovery, verification, block, delete) is refused while
 * impersonating: those act on the account's credentials or would let the impersonator keep
 * access (a JWT, a session, their own device as a push target) after the flag is revoked.
 * Listed rather than excluded, so a route added later is refused until someone decides.
 */
const ALLOWED = new Set(['GET /', 'GET /prefs', 'PATCH /name', 'PATCH /prefs', 'GET /identities', 'GET /logs'])

/**
 * After the caller is identified: when the request carries an impersonation header, checks it
 * (see `Impersonation.resolve`) and from then on the request acts as the impersonated account
 * with the impersonator's session; `caller.impersonator` keeps who really asked.
 */
export function impersonate(accounts: Accounts) {
  return async function impersonateAccount(req: Request, res: Response, next: NextFunction): Promise<void> {
    const target = readImpersonation(req)
    if (target === null) return next()
    const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path
    if (!ALLOWED.has(`${req.method} ${path}`)) {
      throw new AccountsError('user_unauthorized', 'This action cannot be taken while impersonating another user.')
    }
    const caller = callerOf(res)
    const impersonated = await impersonationOf(accounts, req, caller.auth)
    if (!impersonated) return next()
    caller.auth = impersonated.auth
    caller.impersonator = impersonated.impersonator
    next()
  }
}

/** The Account model of `account` for this request: with `impersonatorUserId` when an impersonator is acting as it. */
export function accountModelFor(res: Response, account: AccountRecord): AccountModel {
  const caller = callerOf(res)
  const acting = caller.impersonator && account.id === caller.auth?.account.id
  return toAccountModel(account, { impersonatorUserId: acting ? (caller.impersonator as AccountRecord).id : null })
}
