import type { Core } from './core/core.js'
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
    return this.#core.accounts.update(accountId, (a) => {
      a.name = value
    })
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
    const checked = account.passwordHash
    const checkedRev = account.rev
    const hash = await passwords.hash(next)
    await this.#sessionStillLive(accountId, options.sessionId)
    const updated = await accounts.update(accountId, (a) => {
      // Checked against a copy read before two bcrypt runs: a takeover or recovery that
      // landed meanwhile must not be undone by a request its loser started before it.
      stillAsChecked(a, checked, checkedRev)
      a.passwordHash = hash
      a.passwordUpdatedAt = this.#core.clock.now()
    })
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
    return this.#core.accounts.update(accountId, (a) => {
      a.prefs = value
    })
  }

  async #updateContact(accountId: string, field: 'email' | 'phone', value: string, password: string, sessionId?: string): Promise<AccountRecord> {
    const verified = field === 'email' ? 'emailVerification' : 'phoneVerification'
    const { checked, checkedRev, newHash } = await this.#checkOrSetPassword(accountId, password)
    await this.#sessionStillLive(accountId, sessionId)
    const before = (await this.#core.accounts.mustGet(accountId))[field]
    const updated = await this.#core.accounts.update(accountId, (a) => {
      // As in updatePassword: the password was checked against an earlier copy; if it changed
      // since (takeover, recovery), or a password-less account got one, the check is void.
      stillAsChecked(a, checked, checkedRev)
      if (a[field] !== value) a[verified] = false
      a[field] = value
      if (newHash !== null) {
        a.passwordHash = newHash
        a.passwordUpdatedAt = this.#core.clock.now()
      }
    })
    // Codes and links already sent to the old address must not keep working.
    if (before !== value) await this.#core.store.deleteTokens(accountId, kindsBoundTo(field))
    return updated
  }

  /**
   * Contact changes need the password. `checked` is the hash the given password was checked
   * against (null: the account had none), `newHash` the hash to set when the account has none
   * yet (its password is being chosen now).
   */
  async #checkOrSetPassword(accountId: string, password: string): Promise<{ checked: string | null; checkedRev: number; newHash: string | null }> {
    const pw = v.password('password', password)
    const account = await this.#core.accounts.mustGet(accountId)
    if (account.passwordHash === null) return { checked: null, checkedRev: account.rev, newHash: await this.#core.passwords.hash(pw) }
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
