import type { Request } from 'express'
import { AccountsError } from '../lib/errors.js'
import '../lib/http/express-augment.js'
import { readJwt } from '../lib/http/carriers.js'
import { impersonationOf } from '../lib/http/impersonation-headers.js'
import type { Impersonated } from '../lib/impersonation.js'
import { toAccountModel } from '../lib/models.js'
import { AccountsStrategy, failure, type AccountsStrategyOptions, type Outcome, type VerifyAccount } from './accounts-strategy.js'
import { optionError } from '../lib/option-errors.js'

/** Options of `JwtStrategy`. */
export type JwtStrategyOptions = AccountsStrategyOptions

/**
 * `'jwt'`: a JWT from `POST /account/jwts` in `X-Appwrite-JWT` or `Authorization: Bearer`,
 * typically `passport.authenticate('jwt', { session: false })` on API routes. Signs in with
 * the session the JWT was minted from — no new Session record — and sets `req.account` /
 * `req.accountSession` like `requireSession()` does. One store read per request.
 *
 * Failures, all `fail` (no exceptions): no JWT `401 general_unauthorized_scope` (a missing
 * bearer credential is a challenge, not malformed input, so 401 rather than 400); malformed,
 * badly signed or expired `401 user_jwt_invalid`; its session deleted or expired
 * `401 general_unauthorized_scope`; a blocked account `403 user_blocked`.
 */
export class JwtStrategy extends AccountsStrategy {
  override readonly name = 'jwt'
  private readonly verifyJwtAccount: VerifyAccount | undefined

  constructor(options: JwtStrategyOptions) {
    // `verify` is applied here, not by the base: a refusal must not delete the session, which
    // belongs to the user's real sign-in, not to this request.
    super(options && typeof options === 'object' ? { accounts: options.accounts } : options, 'JwtStrategy')
    if (options.verify !== undefined && typeof options.verify !== 'function') throw optionError(options, 'JwtStrategy: options.verify must be a function')
    this.verifyJwtAccount = options.verify
  }

  override authenticate(req: Request): void {
    this.settle(req, () => this.resolve(req))
  }

  private async resolve(req: Request): Promise<Outcome> {
    const token = readJwt(req)
    if (token === null) return unauthorized('User (role: guests) missing scopes (["account"])')
    const auth = await this.accounts.jwts.resolve(token)
    if (!auth) return unauthorized('The session this JWT was created from no longer exists.')
    if (!auth.account.status) return { kind: 'fail', status: 403, info: failure(new AccountsError('user_blocked')) }
    // The same MFA gate as the router and requireSession(): a JWT minted from a session that
    // has since come to owe a second factor (MFA switched on) does not pass.
    if (this.accounts.mfa.needsMoreFactors(auth.account, auth.session)) {
      return { kind: 'fail', status: 401, info: failure(new AccountsError('user_more_factors_required')) }
    }
    // As in `requireSession()`: an impersonator (its own checks passed above) may act as
    // another account; a refusal is a `fail` with its status, never the caller acting as itself.
    let impersonated: Impersonated | null
    try {
      impersonated = await impersonationOf(this.accounts, req, auth)
    } catch (err) {
      if (err instanceof AccountsError && err.code < 500) return { kind: 'fail', status: err.code, info: failure(err) }
      throw err
    }
    const signIn = impersonated ? impersonated.auth : auth
    const account = toAccountModel(signIn.account)
    if (this.verifyJwtAccount && !(await this.verifyJwtAccount(account, req))) {
      return { kind: 'fail', status: 401, info: failure(new AccountsError('user_unauthorized')) }
    }
    // As in `requireSession()` and Appwrite's session list: a JWT request has no "current" session.
    if (impersonated) return { kind: 'success', signIn, current: false, impersonatorId: impersonated.impersonator.id }
    return { kind: 'success', signIn, current: false }
  }
}

function unauthorized(message: string): Outcome {
  return { kind: 'fail', status: 401, info: failure(new AccountsError('general_unauthorized_scope', message)) }
}
