import type { Core } from './core/core.js'
import { kindsBoundTo } from './core/token-kinds.js'
import { AccountsError } from './errors.js'
import { phone as validPhone } from './phone.js'
import type { AccountRecord } from './store/store.js'
import * as v from './validate.js'

export interface UpdatePasswordOptions {
  /** The session that stays signed in (the caller's own); every other one ends. Default: none. */
  keepSessionId?: string
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
    const hash = await passwords.hash(next)
    const updated = await accounts.update(accountId, (a) => {
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
  async updateEmail(accountId: string, email: string, password: string): Promise<AccountRecord> {
    return this.#updateContact(accountId, 'email', v.email('email', email), password)
  }

  /** Changes the phone (E.164), with the same password rule as `updateEmail`. */
  async updatePhone(accountId: string, phone: string, password: string): Promise<AccountRecord> {
    return this.#updateContact(accountId, 'phone', validPhone('phone', phone), password)
  }

  /** Replaces the whole prefs object (Appwrite semantics: no merge). */
  async updatePrefs(accountId: string, prefs: unknown): Promise<AccountRecord> {
    const value = v.prefs('prefs', prefs)
    return this.#core.accounts.update(accountId, (a) => {
      a.prefs = value
    })
  }

  async #updateContact(accountId: string, field: 'email' | 'phone', value: string, password: string): Promise<AccountRecord> {
    const verified = field === 'email' ? 'emailVerification' : 'phoneVerification'
    const newHash = await this.#checkOrSetPassword(accountId, password)
    const before = (await this.#core.accounts.mustGet(accountId))[field]
    const updated = await this.#core.accounts.update(accountId, (a) => {
      if (a[field] !== value) a[verified] = false
      a[field] = value
      if (newHash !== null && a.passwordHash === null) {
        a.passwordHash = newHash
        a.passwordUpdatedAt = this.#core.clock.now()
      }
    })
    // Codes and links already sent to the old address must not keep working.
    if (before !== value) await this.#core.store.deleteTokens(accountId, kindsBoundTo(field))
    return updated
  }

  /**
   * Contact changes need the password. Returns null when the given one is right, or the hash
   * to set when the account has none yet (its password is being chosen now).
   */
  async #checkOrSetPassword(accountId: string, password: string): Promise<string | null> {
    const pw = v.password('password', password)
    const account = await this.#core.accounts.mustGet(accountId)
    if (account.passwordHash === null) return this.#core.passwords.hash(pw)
    if (!(await this.#core.passwords.verify(pw, account.passwordHash))) throw new AccountsError('user_invalid_credentials')
    return null
  }
}
