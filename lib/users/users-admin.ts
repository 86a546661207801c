import { randomInt } from 'node:crypto'
import { blankAccount } from '../core/account-records.js'
import type { Core } from '../core/core.js'
import { IdentityListing, type ListIdentitiesOptions } from '../core/identity-listing.js'
import { assertNewPassword, setPasswordHash } from '../core/new-password.js'
import { SECURITY_EVENTS } from '../core/security-log.js'
import type { ClientContext, SignIn } from '../core/sessions.js'
import { kindsBoundTo } from '../core/token-kinds.js'
import type { IssuedToken } from '../core/tokens.js'
import { AccountsError, invalidParam } from '../errors.js'
import { importedHashFromParams } from '../hashes/imported-hash-from-params.js'
import type { HashName } from '../hashes/imported-hash.js'
import { encodeImportedHash } from '../hashes/stored-imported-hash.js'
import { phone as validPhone } from '../phone.js'
import { newId } from '../secrets.js'
import type { AccountRecord, IdentityPage, SessionRecord } from '../store/store.js'
import * as v from '../validate.js'

/** Input of `POST /users` ({@link UsersAdmin.create}); values are checked as Appwrite does. */
export interface CreateUserInput {
  /** A custom id or `'unique()'`. */
  userId: unknown
  email?: unknown
  phone?: unknown
  password?: unknown
  name?: unknown
}

/** The user fields every `POST /users/<scheme>` import takes besides the hash parameters. */
export interface ImportUserInput {
  userId: unknown
  email: unknown
  name?: unknown
}

/** Appwrite's bounds for `users.createToken`: secret length 4–128 (default 6), lifetime 60 s – 1 year (default 900). */
const TOKEN_LENGTH = { min: 4, max: 128, default: 6 }
const TOKEN_EXPIRE = { min: 60, max: 31_536_000, default: 900 }
const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/**
 * What an administrator (an API-key caller of Appwrite's Users service, or host-app admin
 * code) does to any account: no password checks, no session of the user's. Built on the core
 * only. Every write goes through the core's compare-and-set update.
 */
export class UsersAdmin {
  readonly #core: Core
  readonly #identities: IdentityListing

  constructor(core: Core) {
    this.#core = core
    this.#identities = new IdentityListing(core)
  }

  /** `POST /users`: email, phone and password are all optional (Appwrite). */
  async create(input: CreateUserInput): Promise<AccountRecord> {
    const id = v.userId('userId', input.userId)
    const email = optional(input.email) ? v.email('email', input.email) : ''
    const phone = optional(input.phone) ? validPhone('phone', input.phone) : ''
    const password = optional(input.password) ? v.password('password', input.password) : null
    const name = input.name === undefined || input.name === null ? '' : v.name('name', input.name, true)
    const now = this.#core.clock.now()
    const account = blankAccount(id ?? newId(), now)
    account.email = email
    account.phone = phone
    account.name = name
    if (password !== null) {
      // The project's password policy, as Appwrite's Users create applies it (dictionary,
      // personal data against the new account's own fields). Imports are not checked: no plaintext.
      await assertNewPassword(this.#core, this.#core.passwords, password, account)
      account.passwordHash = await this.#core.passwords.hash(password)
      account.passwordUpdatedAt = now
    }
    return this.#core.accounts.insert(account)
  }

  /**
   * `POST /users/{argon2,bcrypt,md5,phpass,scrypt,scrypt-modified,sha}`: an account whose
   * password is another system's hash (`params.password` is that hash, never a plaintext).
   * It verifies on sign-in and is replaced by the project's own hash on the first success.
   */
  async importUser(scheme: HashName, input: ImportUserInput, params: Record<string, unknown>): Promise<AccountRecord> {
    const id = v.userId('userId', input.userId)
    const email = v.email('email', input.email)
    const name = input.name === undefined || input.name === null ? '' : v.name('name', input.name, true)
    const imported = importedHashFromParams(scheme, params)
    const now = this.#core.clock.now()
    const account = blankAccount(id ?? newId(), now)
    account.email = email
    account.name = name
    account.passwordHash = encodeImportedHash(imported)
    account.passwordUpdatedAt = now
    return this.#core.accounts.insert(account)
  }

  /** The account; `404 user_not_found` when there is none. */
  async get(userId: string): Promise<AccountRecord> {
    return this.#core.accounts.mustGet(userId)
  }

  /** Deletes the account and everything of it (sessions, tokens, identities); emits `accountDeleted`. */
  async delete(userId: string): Promise<void> {
    if (!(await this.#core.store.deleteAccount(v.wellFormed('userId', userId)))) throw new AccountsError('user_not_found')
    this.#core.events.emit('accountDeleted', { accountId: userId })
  }

  /** Sets the name; an empty name clears it (Appwrite's Users service). */
  async updateName(userId: string, name: unknown): Promise<AccountRecord> {
    // Appwrite's Users service accepts an empty name (it clears it).
    const value = v.name('name', name, true)
    return this.#core.accounts.update(userId, (a) => {
      a.name = value
    })
  }

  /** An empty email removes it (Appwrite). A changed address is unverified, and codes sent to the old one die. */
  async updateEmail(userId: string, email: unknown): Promise<AccountRecord> {
    const value = v.requireString('email', email) === '' ? '' : v.email('email', email)
    return this.#updateContact(userId, 'email', value)
  }

  /** An empty number removes it (Appwrite). */
  async updatePhone(userId: string, number: unknown): Promise<AccountRecord> {
    const value = v.requireString('number', number) === '' ? '' : validPhone('number', number)
    return this.#updateContact(userId, 'phone', value)
  }

  async #updateContact(userId: string, field: 'email' | 'phone', value: string): Promise<AccountRecord> {
    const before = (await this.#core.accounts.mustGet(userId))[field]
    let updated: AccountRecord
    try {
      updated = await this.#core.accounts.update(userId, (a) => {
        if (a[field] !== value) a[field === 'email' ? 'emailVerification' : 'phoneVerification'] = false
        a[field] = value
      })
    } catch (err) {
      // Appwrite's Users service names the field (the Account service says "target").
      if (err instanceof AccountsError && err.type === 'user_target_already_exists') throw new AccountsError('user_email_already_exists')
      throw err
    }
    if (before !== value) await this.#core.store.deleteTokens(userId, kindsBoundTo(field))
    return updated
  }

  /**
   * Sets the password without the old one (an administrator's reset); an empty password
   * removes it (Appwrite). Every session ends unless `invalidateSessionsOnPasswordChange` is
   * off: whoever had the account before the reset must not stay signed in.
   */
  async updatePassword(userId: string, password: unknown): Promise<AccountRecord> {
    const empty = v.requireString('password', password) === ''
    let hash: string | null = null
    if (!empty) {
      const next = v.password('password', password)
      // Appwrite's Users updatePassword applies the policy too (dictionary, personal data,
      // history); "" (remove the password) has nothing to check.
      await assertNewPassword(this.#core, this.#core.passwords, next, await this.#core.accounts.mustGet(userId))
      hash = await this.#core.passwords.hash(next)
    }
    const updated = await this.#core.accounts.update(userId, (a) => {
      if (hash === null) {
        a.passwordHash = null
        a.passwordUpdatedAt = this.#core.clock.now()
      } else setPasswordHash(this.#core, a, hash, this.#core.clock.now())
    })
    if (this.#core.options.invalidateSessionsOnPasswordChange) await this.#core.sessions.deleteAll(userId)
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.passwordChanged)
    return updated
  }

  /**
   * `GET /users/identities` (node-appwrite `Users.listIdentities`): the OAuth2 identities of
   * every account, filtered, searched, ordered and paged with Appwrite's queries on `userId`,
   * `provider`, `providerUid`, `providerEmail` and `providerAccessTokenExpiry` (docs/queries.md).
   * A query it can't answer is a 400, never a wider listing.
   */
  listIdentities(queries: readonly string[] | unknown = [], options: ListIdentitiesOptions = {}): Promise<IdentityPage> {
    return this.#identities.list(queries, options)
  }

  /**
   * `DELETE /users/identities/:identityId`: deletes an OAuth2 identity by its id alone, whoever
   * holds it; `404 user_identity_not_found` when there is none (or it went meanwhile).
   */
  async deleteIdentity(identityId: unknown): Promise<void> {
    const id = v.text('identityId', identityId, 36)
    const identity = await this.#core.store.findIdentity(id)
    if (!identity || !(await this.#core.store.deleteIdentity(identity.accountId, identity.id))) {
      throw new AccountsError('user_identity_not_found')
    }
  }

  /** `false` blocks: the account's sessions stay but answer 403 `user_blocked`. */
  async updateStatus(userId: string, status: unknown): Promise<AccountRecord> {
    const value = bool('status', status)
    const updated = await this.#core.accounts.update(userId, (a) => {
      a.status = value
    })
    await this.#core.securityLog.record(updated, value ? SECURITY_EVENTS.unblocked : SECURITY_EVENTS.blocked)
    return updated
  }

  /** Marks the email address verified or not. */
  async updateEmailVerification(userId: string, verified: unknown): Promise<AccountRecord> {
    const value = bool('emailVerification', verified)
    return this.#core.accounts.update(userId, (a) => {
      a.emailVerification = value
    })
  }

  /** Marks the phone number verified or not. */
  async updatePhoneVerification(userId: string, verified: unknown): Promise<AccountRecord> {
    const value = bool('phoneVerification', verified)
    return this.#core.accounts.update(userId, (a) => {
      a.phoneVerification = value
    })
  }

  /** Replaces the whole prefs object (no merge), as the Account service does. */
  async updatePrefs(userId: string, prefs: unknown): Promise<AccountRecord> {
    const value = v.prefs('prefs', prefs)
    return this.#core.accounts.update(userId, (a) => {
      a.prefs = value
    })
  }

  /** Turns multi-factor authentication on or off for the account. */
  async updateMfa(userId: string, mfa: unknown): Promise<AccountRecord> {
    const value = bool('mfa', mfa)
    return this.#core.accounts.update(userId, (a) => {
      a.mfa = value
    })
  }

  // ── sessions, tokens, JWTs ─────────────────────────────────────────────────

  /** The account's sessions; `404 user_not_found` when there is no such account. */
  async listSessions(userId: string): Promise<SessionRecord[]> {
    await this.#core.accounts.mustGet(userId)
    return this.#core.sessions.list(userId)
  }

  /** A session made by the server (provider `server`), as Appwrite's `users.createSession`. */
  async createSession(userId: string, client: ClientContext = {}): Promise<SignIn> {
    const account = await this.#core.accounts.mustGet(userId)
    return this.#core.sessions.create(account, { provider: 'server', providerUid: '', factors: ['server'] }, client)
  }

  /** Ends one session of the account. */
  async deleteSession(userId: string, sessionId: string): Promise<void> {
    await this.#core.accounts.mustGet(userId)
    await this.#core.sessions.delete(userId, sessionId)
  }

  /** Ends every session of the account. */
  async deleteSessions(userId: string): Promise<void> {
    await this.#core.accounts.mustGet(userId)
    await this.#core.sessions.deleteAll(userId)
  }

  /**
   * A secret of `length` letters and digits that signs the user in once through
   * `POST /account/sessions/token` within `expire` seconds. Short secrets are guessable, so a
   * wrong guess counts against the token (`maxTokenFailures`) unless the secret is at least
   * 43 characters (≥ 256 bits).
   */
  async createToken(userId: string, length: unknown, expire: unknown): Promise<IssuedToken> {
    const size = intIn('length', length, TOKEN_LENGTH)
    const ttl = intIn('expire', expire, TOKEN_EXPIRE)
    await this.#core.accounts.mustGet(userId)
    let secret = ''
    for (let i = 0; i < size; i++) secret += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]
    const maxFailures = size >= 43 ? 0 : this.#core.options.maxTokenFailures
    return this.#core.tokens.issue(userId, 'server', { ttl, secret, maxFailures })
  }

  /**
   * A JWT for one of the user's sessions: `sessionId`, or `'recent'` / empty for the newest
   * one. Every JWT here is bound to a session (it dies with it), so a user without a session
   * gets 404 `user_session_not_found` where Appwrite would mint a session-less JWT.
   */
  async createJwt(userId: string, sessionId: unknown, duration: unknown): Promise<string> {
    // 1–3600 as on `POST /account/jwts` (Appwrite allows 0 and then fails with a 500).
    const seconds = intIn('duration', duration, { min: 1, max: 3600, default: 900 })
    const requested = sessionId === undefined || sessionId === null ? '' : v.requireString('sessionId', sessionId)
    const account = await this.#core.accounts.mustGet(userId)
    let session: SessionRecord | undefined
    if (requested === '' || requested === 'recent') session = (await this.#core.sessions.list(userId)).at(-1)
    else session = await this.#core.sessions.get(userId, requested)
    if (!session) throw new AccountsError('user_session_not_found')
    return this.#core.jwts.create(account, session, seconds)
  }
}

function optional(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

function bool(param: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw v.invalidBoolean(param)
  return value
}

function intIn(param: string, value: unknown, range: { min: number; max: number; default: number }): number {
  if (value === undefined || value === null) return range.default
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
    throw invalidParam(param, `Value must be a valid range between ${range.min} and ${range.max}`)
  }
  return n
}
