import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { toAccountModel } from '../models.js'
import type { Authenticated } from '../core/sessions.js'
import { authenticateAtHand, authenticateCarriers, carriersIn, type Caller, type Carriers } from './caller.js'
import { impersonationIn, impersonationOf } from './impersonation-headers.js'
import { passportRef, type PassportSessionRef } from './passport-session.js'
import { setFound } from './request-properties.js'
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

  /** The refusal `err` is; null when it was a store fault or a bug, answered here and now. */
  const fault = (res: Response, err: unknown): AccountsError | null => {
    // A bad JWT (401), a JWT sent with a session (403), a store fault (503 with Retry-After)
    // or a bug (500, logged): always answered here, Appwrite-shaped, never Express' HTML
    // error page with its stack trace. A store fault is not a reason to redirect a signed-in
    // user to a login page, so `redirectTo` applies to refusals only.
    const error = toAccountsError(err)
    if (error.type === 'general_unknown') console.error('express-accounts: requireSession failed', err)
    if (error.code >= 500) {
      sendError(res, error)
      return null
    }
    return error
  }

  /** Everything after the session lookup: the checks, impersonation, then `req.*` and next(). */
  const conclude = (req: Request, res: Response, next: NextFunction, found: Omit<Caller, 'isKey'> | null, failure: unknown, passportRead = false): void | Promise<void> => {
    let refusal: AccountsError | null = null
    if (found === null) {
      refusal = fault(res, failure)
      if (refusal === null) return
    } else if (!found.auth && found.source === null && !passportRead) {
      // No carrier at all: a passport login through express-session carries the same Session reference.
      const ref = passportRef(req)
      if (ref !== null) return fromPassportSession(ref, accounts).then(
        (auth) => conclude(req, res, next, { auth, source: null, value: null }, null, true),
        (err: unknown) => conclude(req, res, next, null, err, true),
      )
    }
    const auth = found?.auth ?? null
    const viaJwt = found?.source === 'jwt'
    if (!refusal && !auth) refusal = new AccountsError('general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])')
    if (!refusal && auth && !auth.account.status) refusal = new AccountsError('user_blocked')
    if (!refusal && auth && !skipMfa && accounts.mfa.needsMoreFactors(auth.account, auth.session)) {
      refusal = new AccountsError('user_more_factors_required')
    }
    // After the caller's own checks (blocked, MFA owed): only a caller who passes them may ask
    // to be someone else. `Impersonation.resolve` re-checks both on the impersonator.
    const target = refusal || !auth ? null : impersonationIn(req.headers)
    if (target !== null && auth !== null) return impersonate(req, res, next, auth, viaJwt)
    if (refusal || !auth) return refuse(res, refusal)
    admit(req, next, auth, viaJwt, undefined)
  }

  const impersonate = async (req: Request, res: Response, next: NextFunction, caller: Authenticated, viaJwt: boolean): Promise<void> => {
    let auth = caller
    let impersonatorId: string | undefined
    try {
      if (!allowImpersonation) throw new AccountsError('user_unauthorized', 'This action cannot be taken while impersonating another user.')
      const impersonated = await impersonationOf(accounts, req, caller)
      if (impersonated) {
        auth = impersonated.auth
        impersonatorId = impersonated.impersonator.id
      }
    } catch (err) {
      answerFailure(res, err)
      return
    }
    admit(req, next, auth, viaJwt, impersonatorId)
  }

  const refuse = (res: Response, refusal: AccountsError | null): void => {
    if (redirectTo !== undefined) return res.redirect(302, redirectTo)
    sendError(res, refusal ?? new AccountsError('general_unauthorized_scope'))
  }

  /** A failure answered now: a store fault or a bug by fault() (a bug logged), a refusal as refuse() answers it. */
  const answerFailure = (res: Response, err: unknown): void => {
    const refusal = fault(res, err)
    if (refusal !== null) refuse(res, refusal)
  }

  const admit = (req: Request, next: NextFunction, auth: Authenticated, viaJwt: boolean, impersonatorId: string | undefined): void => {
    const account = toAccountModel(auth.account, { impersonatorUserId: impersonatorId ?? null })
    // As in Appwrite's session list, a JWT-authenticated request has no `current` session.
    setFound(req, account, impersonatorId, auth.session, !viaJwt)
    // A plain own property (see request-properties.ts): `delete req.user` must work.
    const withUser = req as Request & { user?: unknown }
    if (withUser.user === undefined) withUser.user = account
    next()
  }

  /** The store's answer for carriers whose records are not at hand (one round trip), then {@link conclude}. */
  const askStore = (req: Request, res: Response, next: NextFunction, carriers: Carriers): Promise<void> =>
    authenticateCarriers(accounts, carriers).then(
      (answer) => conclude(req, res, next, answer, null),
      (err: unknown) => conclude(req, res, next, null, err),
    )

  /**
   * {@link conclude} for records found at hand, run from `setImmediate`: whatever it throws is
   * answered here (a throw in a timer callback would otherwise end the process, where Express
   * turns a throw in a middleware into its error handler). Once next() has run, the response is
   * the app's: a late throw is logged, never answered twice.
   *
   * SECURITY: the records are read again here, not taken from the lookup that chose this path.
   * Between that lookup and the check phase, every other request of the same poll phase runs,
   * and one of them may delete this session (sign-out, "sign out everywhere", a password
   * change) or block the account and send its answer. Concluding on the earlier read would
   * then admit a request after its revocation was answered (the frozen records do not see the
   * write). A re-read at hand is two map lookups; when the records are no longer at hand (a
   * client-side cache entry invalidated meanwhile) the store is asked, as on a cache miss.
   */
  const concludeLater = (req: Request, res: Response, next: NextFunction, carriers: Carriers): void => {
    try {
      const pending = lookUpAndConclude(req, res, next, carriers)
      if (pending !== undefined) pending.catch((err: unknown) => settleThrown(res, err))
    } catch (err) {
      settleThrown(res, err)
    }
  }

  /** The records looked up (at hand, else through the store) and {@link conclude}d on; a failed lookup is concluded as one. */
  const lookUpAndConclude = (req: Request, res: Response, next: NextFunction, carriers: Carriers): void | Promise<void> => {
    let found: Omit<Caller, 'isKey'> | undefined
    try {
      found = authenticateAtHand(accounts, carriers)
      if (found === undefined) return askStore(req, res, next, carriers)
    } catch (err) {
      return conclude(req, res, next, null, err)
    }
    return conclude(req, res, next, found, null)
  }

  const settleThrown = (res: Response, err: unknown): void => {
    if (res.headersSent) {
      console.error('express-accounts: requireSession failed after the response began', err)
      return
    }
    answerFailure(res, err)
  }

  // Not an async function: when the store has the records at hand (MemoryStore, a client-side
  // cache hit) the check runs without a single promise.
  return function requireAccountSession(req: Request, res: Response, next: NextFunction): void | Promise<void> {
    let carriers: Carriers
    try {
      // Read once: each read of `req.headers` is a lookup up the prototype chain (carriers.ts).
      carriers = carriersIn(req.headers, accounts)
      if (authenticateAtHand(accounts, carriers) === undefined) return askStore(req, res, next, carriers)
    } catch (err) {
      return conclude(req, res, next, null, err)
    }
    // The records are at hand, so the check can be answered without the store, but it waits
    // for the event loop's check phase. Every request whose bytes arrived in the same poll phase
    // is then concluded and answered back to back, as requests answered by a store's round trip
    // are, instead of each being parsed, checked, routed and answered before the next one is
    // read. Measured with the server pinned to one core, two servers loaded at once: 18% less
    // server CPU per request on MemoryStore and on a client-side cache hit, 24% more req/s
    // (docs/performance.md, sixth pass). It adds one turn of the event loop, not a timer.
    // SECURITY: concludeLater reads the records again (see there); this lookup only chose the path.
    setImmediate(concludeLater, req, res, next, carriers)
  }
}

/**
 * The Session a passport login (`req.session.passport.user`, see passport-session.ts) refers
 * to. Async, so whatever the store does (even a synchronous throw) settles as this promise and
 * is answered by requireSession() itself.
 */
async function fromPassportSession(ref: PassportSessionRef, accounts: Accounts): Promise<Authenticated | null> {
  return accounts.sessions.resolveById(ref.accountId, ref.sessionId)
}
