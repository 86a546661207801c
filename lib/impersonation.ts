import type { Core } from './core/core.js'
import { currentRequestScope, type RequestScope } from './core/request-scope.js'
import { SECURITY_EVENTS } from './core/security-log.js'
import type { Authenticated } from './core/sessions.js'
import { AccountsError } from './errors.js'
import type { Mfa } from './mfa/mfa.js'
import type { AccountRecord } from './store/store.js'

/** Whom a request asks to act as: Appwrite's headers, in its order of precedence (id, then email, then phone). */
export interface ImpersonationTarget {
  by: 'id' | 'email' | 'phone'
  value: string
}

/** Where an impersonated request came from, for the `impersonation` event. */
export interface ImpersonationContext {
  ip: string
  userAgent: string
  method: string
  path: string
}

/** A request an impersonator makes as another account. */
export interface Impersonated {
  /** The impersonated account, with the impersonator's own session (the one that authenticated). */
  auth: Authenticated
  /** The impersonator's account. */
  impersonator: AccountRecord
}

/**
 * Impersonation as Appwrite 1.8 defines it: an account with the `impersonator` flag, signed
 * in, may send `X-Appwrite-Impersonate-User-Id` / `-Email` / `-Phone` and be treated as that
 * account. Unlike Appwrite, which ignores the headers when they do not apply (the request
 * then silently acts as the caller itself), every request that asks to impersonate and may not
 * is refused: a client that believes it acts as someone else must never change its own account.
 */
export class Impersonation {
  readonly #core: Core
  readonly #mfa: Mfa

  constructor(core: Core, siblings: { mfa: Mfa }) {
    this.#core = core
    this.#mfa = siblings.mfa
  }

  /**
   * The account `caller` acts as, or null when the request asks for no one. Refusals, in this
   * order (each check needs the ones before it to hold):
   * 1. no signed-in caller (a guest, or an API key without a session: a key acts for the
   *    project, not for a user) → `401 user_unauthorized`;
   * 2. the caller is blocked → `403 user_blocked` (normally stopped earlier);
   * 3. the caller lacks the `impersonator` flag → `401 user_unauthorized`; the flag is read from
   *    the record fetched with the session on this very request, so revoking it holds at once;
   * 4. the caller's session still owes a second factor → `401 user_more_factors_required`
   *    (checked on the impersonator: the target's MFA does not apply to someone else's session);
   * 5. no such account → `404 user_not_found`;
   * 6. the target is blocked → `403 user_blocked`: a blocked account cannot act, not even
   *    through someone else.
   * On success the `impersonation` event is emitted (once per request) and the impersonated
   * account's security log gets `impersonation.request` (preceded by `impersonation.start` on
   * the first such request of this session for this account), with the impersonator as who
   * acted; so does every other entry this request causes (e.g. `user.update.name`).
   */
  async resolve(caller: Authenticated | null, target: ImpersonationTarget | null, context: ImpersonationContext): Promise<Impersonated | null> {
    if (target === null) return null
    if (!caller) throw new AccountsError('user_unauthorized', 'Impersonation needs a signed-in user with the impersonator capability.')
    if (!caller.account.status) throw new AccountsError('user_blocked')
    if (caller.account.impersonator !== true) throw new AccountsError('user_unauthorized', 'The current user is not allowed to impersonate other users.')
    if (this.#mfa.needsMoreFactors(caller.account, caller.session)) throw new AccountsError('user_more_factors_required')
    const account = await this.#find(target)
    if (!account) throw new AccountsError('user_not_found')
    if (!account.status) throw new AccountsError('user_blocked')
    this.#core.events.emit('impersonation', {
      impersonatorId: caller.account.id,
      accountId: account.id,
      sessionId: caller.session.id,
      ip: context.ip,
      userAgent: context.userAgent,
      method: context.method,
      path: context.path,
    })
    await this.#log(caller, account, context)
    return { auth: { account, session: caller.session }, impersonator: caller.account }
  }

  /**
   * Security: logged before the request acts, so the account's owner sees every request made
   * as them even when it fails later. The actor is set on the request's scope (the router
   * opened it) so that what the request then changes is logged as done by the impersonator.
   */
  async #log(caller: Authenticated, account: AccountRecord, context: ImpersonationContext): Promise<void> {
    const actor = { id: caller.account.id, email: caller.account.email, name: caller.account.name, userType: 'user' }
    const current = currentRequestScope()
    if (current) current.actor = actor
    const scope: RequestScope = { mode: current?.mode ?? 'default', ip: context.ip, userAgent: context.userAgent, actor }
    // "Started": the first request of this impersonator session as this account, counted in a
    // window as long as a session lives (a new session is a new start).
    const key = `impersonation:${caller.session.id}:${account.id}`
    const first = (await this.#core.store.hit(key, this.#core.options.sessionDuration)).count === 1
    if (first) await this.#core.securityLog.record(account, SECURITY_EVENTS.impersonationStarted, scope)
    await this.#core.securityLog.record(account, SECURITY_EVENTS.impersonatedRequest, scope)
  }

  async #find(target: ImpersonationTarget): Promise<AccountRecord | null> {
    // A value that is no valid id, address or number names no account: 404, not 400, so the
    // answer does not depend on which header was used.
    if (!target.value.isWellFormed()) return null
    if (target.by === 'id') return this.#core.accounts.get(target.value)
    if (target.by === 'email') return this.#core.accounts.findByEmail(target.value)
    return this.#core.accounts.findByPhone(target.value)
  }
}
