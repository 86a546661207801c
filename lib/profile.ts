import { runBeforeHook } from './core/before-hooks.js'
import type { Core } from './core/core.js'
import { assertNewPassword, setPasswordHash } from './core/new-password.js'
import { SECURITY_EVENTS, type SecurityEvent } from './core/security-log.js'
import { kindsBoundTo } from './core/token-kinds.js'
import { AccountsError } from './errors.js'
import { phone as validPhone } from './phone.js'
import type { AccountRecord } from './store/store.js'
import * as v from './validate.js'

/** Options of `updatePassword()`. */
export interface UpdatePasswordOptions {
  /** The session that stays signed in (the caller's own); every other one ends. Default: none. */
  keepSessionId?: string | undefined
  /**
   * The session making the change: refused (`401 user_invalid_credentials`) if it has ended
   * by the time the change is written (a takeover, recovery or revocation ended it).
   */
  sessionId?: string | undefined
}

/** What an account's owner changes about it: name, password, email, phone, prefs. */
export class Profile {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  async updateName(accountId: string, name: string): Promise<AccountRecord> {
    const value = v.name('name', name)
    const updated = await this.#core.accounts.update(accountId, (a) => {
      a.name = value
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.nameChanged)
    return updated
  }

  /**
   * `oldPassword` is required, and checked, only when the account already has a password.
   * Unless `invalidateSessionsOnPasswordChange` is off, every session of the account ends but
   * `keepSessionId` (the caller's current one; omitted = none is kept), and their JWTs with
   * them: whoever knew the old password must not stay signed in (OWASP ASVS; Appwrite's default).
   */
  async updatePassword(accountId: string, password: string, oldPassword?: string, options: UpdatePasswordOptions = {}): Promise<AccountRecord> {
    const { accounts, passwords } = this.#core
    const next = v.password('password', password)
    const account = await accounts.mustGet(accountId)
    if (account.passwordHash !== null) {
      // UTF-8 would turn a lone surrogate into U+FFFD: refused, not compared.
      if (typeof oldPassword === 'string') v.wellFormed('oldPassword', oldPassword)
      if (typeof oldPassword !== 'string' || !(await passwords.verify(oldPassword, account.passwordHash))) {
        throw new AccountsError('user_invalid_credentials')
      }
    }
    // The policy after the old password: it must not tell a stranger with a stolen session
    // anything about the account's password history.
    await assertNewPassword(this.#core, passwords, next, account)
    await runBeforeHook(this.#core.options.hooks, 'beforePasswordChange', { account, reason: 'update' })
    const checked = account.passwordHash
    const checkedRev = account.rev
    const hash = await passwords.hash(next)
    await this.#sessionStillLive(accountId, options.sessionId)
    const updated = await accounts.update(accountId, (a) => {
      // Checked against a copy read before two bcrypt runs: a takeover or recovery that
      // landed meanwhile must not be undone by a request its loser started before it.
      stillAsChecked(a, checked, checkedRev)
      setPasswordHash(this.#core, a, hash, this.#core.clock.now())
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.passwordChanged)
    if (this.#core.options.invalidateSessionsOnPasswordChange) await this.#core.sessions.deleteAll(accountId, options.keepSessionId)
    return updated
  }

  /**
   * Changes the email. An account with a password must give it; a password-less one
   * (anonymous, magic URL, phone) gets the given password as its own: the account is
   * upgraded in place and keeps its `$id`.
   */
  async updateEmail(accountId: string, email: string, password: string, options: { sessionId?: string } = {}): Promise<AccountRecord> {
    return this.#updateContact(accountId, 'email', v.email('email', email), password, options.sessionId)
  }

  /** Changes the phone (E.164), with the same password rule as `updateEmail`. */
  async updatePhone(accountId: string, phone: string, password: string, options: { sessionId?: string } = {}): Promise<AccountRecord> {
    return this.#updateContact(accountId, 'phone', validPhone('phone', phone), password, options.sessionId)
  }

  /** Replaces the whole prefs object (Appwrite semantics: no merge). */
  async updatePrefs(accountId: string, prefs: unknown): Promise<AccountRecord> {
    const value = v.prefs('prefs', prefs)
    const updated = await this.#core.accounts.update(accountId, (a) => {
      a.prefs = value
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.prefsChanged)
    return updated
  }

  async #updateContact(accountId: string, field: 'email' | 'phone', value: string, password: string, sessionId?: string): Promise<AccountRecord> {
    const verified = field === 'email' ? 'emailVerification' : 'phoneVerification'
    const { checked, checkedRev, newHash } = await this.#checkOrSetPassword(accountId, password, field, value)
    await this.#sessionStillLive(accountId, sessionId)
    const current = await this.#core.accounts.mustGet(accountId)
    const before = current[field]
    if (field === 'email') await runBeforeHook(this.#core.options.hooks, 'beforeUpdateEmail', { account: current, email: value })
    if (newHash !== null) await runBeforeHook(this.#core.options.hooks, 'beforePasswordChange', { account: current, reason: 'first-password' })
    const updated = await this.#core.accounts.update(accountId, (a) => {
      // As in updatePassword: the password was checked against an earlier copy; if it changed
      // since (takeover, recovery), or a password-less account got one, the check is void.
      stillAsChecked(a, checked, checkedRev)
      if (a[field] !== value) a[verified] = false
      a[field] = value
      if (newHash !== null) setPasswordHash(this.#core, a, newHash, this.#core.clock.now())
    })
    const events: SecurityEvent[] = [field === 'email' ? SECURITY_EVENTS.emailChanged : SECURITY_EVENTS.phoneChanged]
    if (newHash !== null) events.push(SECURITY_EVENTS.passwordChanged)
    for (const event of events) await this.#core.securityLog.record(updated, event)
    // Codes and links already sent to the old address must not keep working.
    if (before !== value) await this.#core.store.deleteTokens(accountId, kindsBoundTo(field))
    return updated
  }

  /**
   * Contact changes need the password. `checked` is the hash the given password was checked
   * against (null: the account had none), `newHash` the hash to set when the account has none
   * yet (its password is being chosen now).
   */
  async #checkOrSetPassword(accountId: string, password: string, field: 'email' | 'phone', value: string): Promise<{ checked: string | null; checkedRev: number; newHash: string | null }> {
    const pw = v.password('password', password)
    const account = await this.#core.accounts.mustGet(accountId)
    if (account.passwordHash === null) {
      // The account's first password: the policy applies, against the address it is getting too.
      await assertNewPassword(this.#core, this.#core.passwords, pw, { ...account, [field]: value })
      return { checked: null, checkedRev: account.rev, newHash: await this.#core.passwords.hash(pw) }
    }
    if (!(await this.#core.passwords.verify(pw, account.passwordHash))) throw new AccountsError('user_invalid_credentials')
    return { checked: account.passwordHash, checkedRev: account.rev, newHash: null }
  }

  /**
   * A session ended during the bcrypt wait (takeover, recovery, revocation) must not finish
   * the change it started. Not atomic with the write (sessions are other records); the
   * password-hash check inside the compare-and-set is what closes the race for takeovers and
   * recoveries, which always change or remove a password that was checked.
   */
  async #sessionStillLive(accountId: string, sessionId: string | undefined): Promise<void> {
    if (sessionId === undefined) return
    const session = await this.#core.store.getSession(accountId, sessionId)
    if (!session || session.expiresAt <= this.#core.clock.now()) throw new AccountsError('user_invalid_credentials')
  }
}

/**
 * Inside the compare-and-set: the password state the change was authorised against must still
 * hold. An account that had a password: the same hash (a takeover or recovery always changes
 * or removes it). A password-less account proves nothing by its hash — a takeover leaves it
 * null too — so any write since the check voids it (`store_contention`: the client may
 * retry, and a caller whose session the takeover ended is then refused).
 */
function stillAsChecked(a: AccountRecord, checked: string | null, checkedRev: number): void {
  if (a.passwordHash !== checked) throw new AccountsError('user_invalid_credentials')
  if (checked === null && a.rev !== checkedRev) throw new AccountsError('store_contention')
}
