import type { Request } from 'express'
import { Strategy } from 'passport-strategy'
import { Accounts } from '../lib/accounts.js'
import { AccountsError } from '../lib/errors.js'
import '../lib/http/express-augment.js'
import { userFor } from '../lib/http/passport-session.js'
import { prepareRequestProperties } from '../lib/http/request-properties.js'
import { inRequestScope } from '../lib/core/request-scope.js'
import { clientKey } from '../lib/limits/client-key.js'
import { isCredentialFailure, type LimitSubject } from '../lib/limits/limits.js'
import type { LimitedRoute } from '../lib/limits/limit-rules.js'
import { retryAfterOf } from '../lib/retry-after.js'
import { toSessionModel, type AccountModel } from '../lib/models.js'
import type { SignIn } from '../lib/core/sessions.js'
import { optionError } from '../lib/option-errors.js'

/**
 * An optional last check on a signed-in account (e.g. "staff only"). Return `false` (or a
 * promise of it) to refuse: the strategy then fails with `401 user_unauthorized` and the
 * Session record just created is deleted. A throw or rejection is an `error`.
 */
export type VerifyAccount = (account: AccountModel, req: Request) => boolean | Promise<boolean>

/** Options every express-accounts strategy takes. */
export interface AccountsStrategyOptions {
  /** The account system the strategy signs into (`createAccounts()`). Required. */
  accounts: Accounts
  verify?: VerifyAccount | undefined
}

/** What a failure carries: Appwrite's error type and message, so apps can tell failures apart. */
export interface AccountsFailure {
  message: string
  type: string
  /** On `429`: seconds until trying again can succeed (send it as `Retry-After`). */
  retryAfter?: number
}

/**
 * Shared plumbing: option checks, and mapping one async outcome to exactly one of
 * passport's `success` / `fail` / `error` / `pass`. Wrong credentials and refusals `fail`
 * with the Appwrite status and type; anything else (store down, a bug) is an `error`.
 */
// No `#private` fields in strategies: passport runs each request on
// `Object.create(strategy)`, and private fields do not exist on such an object.
export abstract class AccountsStrategy extends Strategy {
  abstract readonly name: string
  protected readonly accounts: Accounts
  private readonly verifyAccount: VerifyAccount | undefined

  constructor(options: AccountsStrategyOptions, strategyName: string) {
    super()
    if (!options || typeof options !== 'object') throw new TypeError(`${strategyName}: options are required ({ accounts })`)
    if (!(options.accounts instanceof Accounts)) throw optionError(options, `${strategyName}: options.accounts must be the object createAccounts() returned`)
    if (options.verify !== undefined && typeof options.verify !== 'function') throw optionError(options, `${strategyName}: options.verify must be a function`)
    this.accounts = options.accounts
    this.verifyAccount = options.verify
  }

  /** Runs `work` and settles the request exactly once. */
  protected settle(req: Request, work: () => Promise<Outcome>): void {
    let settled = false
    const once = (fn: () => void) => {
      if (settled) return
      settled = true
      fn()
    }
    // The request's scope, for the security log (ip and user agent as the session records them).
    const { ip, userAgent } = clientOf(req)
    inRequestScope({ ip, userAgent, mode: 'default' }, work).then(
      async (outcome) => {
        if (outcome.kind === 'pass') return once(() => this.pass())
        if (outcome.kind === 'fail') return once(() => this.fail(outcome.info, outcome.status))
        const user = await this.accept(req, outcome.signIn)
        if (user) {
          prepareRequestProperties(req)
          if (outcome.impersonatorId !== undefined) {
            user.impersonatorUserId = outcome.impersonatorId
            req.impersonatorId = outcome.impersonatorId
          }
          // As requireSession() does, so `{ session: false }` routes see the same fields.
          req.account = user
          req.accountSession = toSessionModel(outcome.signIn.session, { current: outcome.current ?? true })
          once(() => this.success(user, { session: outcome.signIn.session.id }))
        }
        else once(() => this.fail(failure(new AccountsError('user_unauthorized')), 401))
      },
      // A refusal the client caused (4xx) is a `fail`; a server-side fault (store down, no
      // mailer configured: 5xx) is an `error`, so it never reads as "wrong credentials".
      (err: unknown) => once(() => (err instanceof AccountsError && err.code < 500 ? this.fail(failure(err), err.code) : this.error(err as Error))),
    ).catch((err: unknown) => once(() => this.error(err as Error)))
  }

  /**
   * Runs one attempt under the abuse limits of the router route doing the same thing (same
   * store counters, so the router and the strategy share one budget): refused →
   * `fail(…, 429)`; wrong credentials count as a failure; a success resets what it resets.
   */
  protected async limited(route: LimitedRoute, req: Request, params: LimitSubject['params'], work: () => Promise<Outcome>): Promise<Outcome> {
    const attempt = await this.accounts.limits.begin(route, { ip: req.ip, params })
    if (!attempt.allowed) {
      const refused = new AccountsError('general_rate_limit_exceeded')
      return { kind: 'fail', status: refused.code, info: { ...failure(refused), retryAfter: attempt.retryAfter } }
    }
    // As in the router, a store fault while counting does not change the answer: the checks
    // before the attempt read the same counters, so a store that cannot count refuses there.
    let outcome: Outcome
    try {
      outcome = await work()
    } catch (err) {
      if (isCredentialFailure(err)) await attempt.failed().catch(() => undefined)
      throw err
    }
    if (outcome.kind === 'fail' && isCredentialFailure(outcome.info)) await attempt.failed().catch(() => undefined)
    if (outcome.kind === 'success') await attempt.succeeded().catch(() => undefined)
    return outcome
  }

  /** Applies `verify`; a refused sign-in leaves no Session record behind. */
  private async accept(req: Request, signIn: Pick<SignIn, 'account' | 'session'>): Promise<AccountModel | null> {
    const user = userFor(signIn)
    if (!this.verifyAccount) return user
    if (await this.verifyAccount(user, req)) return user
    await this.accounts.sessions.delete(signIn.account.id, signIn.session.id).catch(() => undefined)
    return null
  }
}

export type Outcome =
  /** `current: false` for a sign-in that reuses an existing session (a JWT): no session is "current". */
  /** `impersonatorId`: an impersonator acts as `signIn.account` (with the impersonator's session). */
  | { kind: 'success'; signIn: Pick<SignIn, 'account' | 'session'>; current?: boolean; impersonatorId?: string }
  | { kind: 'fail'; info: AccountsFailure; status: number }
  | { kind: 'pass' }

export function failure(err: AccountsError): AccountsFailure {
  const retryAfter = retryAfterOf(err)
  return retryAfter === undefined ? { message: err.message, type: err.type } : { message: err.message, type: err.type, retryAfter }
}

/** `fail(…, 400)` for input the request did not carry. */
export function missing(...fields: string[]): Outcome {
  return { kind: 'fail', status: 400, info: { message: `Missing credentials: ${fields.join(', ')}`, type: 'general_argument_invalid' } }
}

/** A field from the body (parsed by the app), else the query string, as passport-local reads. */
export function field(req: Request, name: string): string | undefined {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[name]
  const value = fromBody !== undefined ? fromBody : (req.query as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The client recorded on the Session record, and charged its share of the bcrypt queue. */
export function clientOf(req: Request): { ip: string; userAgent: string; limitKey: string } {
  const ip = req.ip ?? ''
  return { ip, userAgent: req.headers['user-agent'] ?? '', limitKey: clientKey(ip) }
}

export function checkFieldName(strategy: string, option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new TypeError(`${strategy}: options.${option} must be a non-empty string`)
  return value
}
