import { blankAccount, type PasswordlessAccountInput } from './core/account-records.js'
import { AccountListing, type ListAccountsOptions } from './core/account-listing.js'
import { Core } from './core/core.js'
import { assertNewPassword } from './core/new-password.js'
import { SECURITY_EVENTS, type LogPage } from './core/security-log.js'
import type { AccountsEventName, Listener } from './core/events.js'
import type { Jwts } from './core/jwt.js'
import type { ClientContext, SignIn, Sessions } from './core/sessions.js'
import type { Tokens } from './core/tokens.js'
import { AccountsError } from './errors.js'
import { Limits } from './limits/limits.js'
import { Mfa } from './mfa/mfa.js'
import { OAuth2 } from './oauth2/oauth2.js'
import type { AccountsOptions, ResolvedOptions } from './options.js'
import type { Passwords } from './password.js'
import { PasswordSignIn } from './password-sign-in.js'
import { Passwordless } from './passwordless.js'
import { Profile, type UpdatePasswordOptions } from './profile.js'
import { Impersonation } from './impersonation.js'
import * as labelRules from './labels.js'
import { Recovery } from './recovery.js'
import { newId } from './secrets.js'
import type { GuardedStore } from './store/guarded-store.js'
import type { AccountPage, AccountRecord, IdentityRecord } from './store/store.js'
import { Targets } from './targets.js'
import { UsersAdmin } from './users/users-admin.js'
import { Verification } from './verification.js'
import * as v from './validate.js'

export type { UpdatePasswordOptions } from './profile.js'

/** Input of `createAccount()`: what `POST /account` takes. */
export interface CreateAccountInput {
  /** A custom id (≤ 36 chars) or `'unique()'` / omitted for a generated one. */
  userId?: string | undefined
  email: string
  password: string
  name?: string | undefined
}

const ACCESS_REFRESH_MS = 24 * 3600 * 1000

/**
 * The facade: builds the core (`lib/core/`) and then each feature on it, in dependency order,
 * and offers them as one object. The router, the strategies and server-side code (admin
 * tasks, tests, jobs) call it; the features never do (they get the core and their siblings).
 */
export class Accounts {
  readonly #core: Core
  /** Session operations (create, resolve, list, extend, revoke). */
  readonly sessions: Sessions
  /** Session-bound JWTs (mint, verify, resolve). */
  readonly jwts: Jwts
  /** Single-use tokens (hashing, issuing, atomic redemption). */
  readonly tokens: Tokens
  /** Email OTP, magic URL, phone OTP and server tokens. */
  readonly passwordless: Passwordless
  /** Password recovery by email. */
  readonly recovery: Recovery
  /** Email and phone verification. */
  readonly verification: Verification
  /** Multi-factor authentication: TOTP, email / phone challenges, recovery codes, the gate. */
  readonly mfa: Mfa
  /** OAuth2 / OpenID Connect sign-in and identities. */
  readonly oauth2: OAuth2
  /** bcrypt hashing, bounded per process (`passwords.gate` has the gauges). */
  readonly passwords: Passwords
  /** The abuse limits the router and the strategies share (counted in the store). */
  readonly limits: Limits
  /** Messaging targets (email, sms, push) of an account; the Users service builds on it. */
  readonly targets: Targets
  /** Who may act as whom (`X-Appwrite-Impersonate-User-*`); the router and `requireSession()` call it. */
  readonly impersonation: Impersonation
  /** Appwrite's Users service operations (admin: no password checks); `/users` routes call it. */
  readonly users: UsersAdmin
  readonly #profile: Profile
  readonly #passwordSignIn: PasswordSignIn
  readonly #listing: AccountListing

  constructor(options: AccountsOptions = {}) {
    const core = new Core(options)
    this.#core = core
    this.sessions = core.sessions
    this.jwts = core.jwts
    this.tokens = core.tokens
    this.passwords = core.passwords
    this.limits = new Limits(core)
    this.#profile = new Profile(core)
    this.#passwordSignIn = new PasswordSignIn(core)
    this.#listing = new AccountListing(core)
    this.passwordless = new Passwordless(core)
    this.recovery = new Recovery(core)
    this.verification = new Verification(core)
    this.mfa = new Mfa(core)
    this.oauth2 = new OAuth2(core, { mfa: this.mfa })
    this.targets = new Targets(core)
    this.impersonation = new Impersonation(core, { mfa: this.mfa })
    this.users = new UsersAdmin(core)
  }

  /** Every option resolved (settings only: the store is `accounts.store`). */
  get options(): ResolvedOptions {
    return this.#core.options
  }

  /** The configured store behind the `storeTimeout` deadline (`store.inner` is the store as given). */
  get store(): GuardedStore {
    return this.#core.store
  }

  /** Subscribe to an event (`accountCreated`, `signIn`, …); returns an unsubscribe function. */
  on<E extends AccountsEventName>(event: E, listener: Listener<E>): () => void {
    return this.#core.events.on(event, listener)
  }

  // ── accounts ───────────────────────────────────────────────────────────────

  /** Creates an email + password account (email lowercased; `userId` omitted or `unique()` → generated). Throws `409 user_already_exists` on a duplicate id or email. */
  async createAccount(input: CreateAccountInput): Promise<AccountRecord> {
    const id = input.userId === undefined ? null : v.userId('userId', input.userId)
    const email = v.email('email', input.email)
    const password = v.password('password', input.password)
    const name = input.name === undefined ? '' : v.name('name', input.name, true)
    const now = this.#core.clock.now()
    const account = blankAccount(id ?? newId(), now)
    account.email = email
    account.name = name
    await assertNewPassword(this.#core, this.passwords, password, account)
    account.passwordHash = await this.passwords.hash(password)
    account.passwordUpdatedAt = now
    if (this.options.passwordPolicy.history > 0) account.passwordHistory = [account.passwordHash]
    return this.#core.accounts.insert(account, 'email')
  }

  /** Creates a password-less account with no email (anonymous sign-in). */
  async createAnonymousAccount(): Promise<AccountRecord> {
    return this.#core.accounts.insert(blankAccount(newId(), this.#core.clock.now()), 'anonymous')
  }

  /** Creates a password-less account owning an email or a phone (passwordless sign-up). */
  async createPasswordlessAccount(input: PasswordlessAccountInput): Promise<AccountRecord> {
    return this.#core.accounts.insertPasswordless(input)
  }

  /**
   * Stores a fully built record (for flows that create accounts their own way). Refused with
   * a 400 when the id is not a valid custom id or a field could not be stored and read back
   * unchanged (see `assertStorable`).
   */
  async insert(account: AccountRecord): Promise<AccountRecord> {
    return this.#core.accounts.insert(account)
  }

  /** The account record (with its password hash: pass it through `toAccountModel()` before sending it anywhere), or `null`. */
  async getAccount(accountId: string): Promise<AccountRecord | null> {
    return this.#core.accounts.get(accountId)
  }

  /** The account holding this email (any case), or `null`. */
  async findAccountByEmail(email: string): Promise<AccountRecord | null> {
    return this.#core.accounts.findByEmail(email)
  }

  /** The account holding this phone number (canonical E.164, e.g. `+14155552671`), or `null`. */
  async findAccountByPhone(phone: string): Promise<AccountRecord | null> {
    return this.#core.accounts.findByPhone(phone)
  }

  /**
   * Accounts selected by Appwrite query strings (node-appwrite's `Query.equal(…)`, `Query.limit(…)`
   * …; docs/queries.md), with the number of matches (counted up to 5,000, as Appwrite does).
   * A query it can't answer is a 400, an unknown cursor `400 general_cursor_not_found`.
   */
  async listAccounts(queries: string[] = [], options: ListAccountsOptions = {}): Promise<AccountPage> {
    return this.#listing.list(queries, options)
  }

  /** `listAccounts` narrowed to the accounts whose id, name, email or phone has words starting with the words of `text`. */
  async searchAccounts(text: string, queries: string[] = []): Promise<AccountPage> {
    return this.#listing.list(queries, { search: text })
  }

  /** The account's OAuth2 identities, oldest first. */
  async listIdentities(accountId: string): Promise<IdentityRecord[]> {
    return this.store.listIdentities(v.wellFormed('accountId', accountId))
  }

  /** Unlinks an identity: that provider account no longer signs in here. */
  async deleteIdentity(accountId: string, identityId: string): Promise<void> {
    const id = v.text('identityId', identityId)
    if (!(await this.store.deleteIdentity(v.wellFormed('accountId', accountId), id))) throw new AccountsError('user_identity_not_found')
  }

  /** Sets the account's display name; answers the updated record. */
  async updateName(accountId: string, name: string): Promise<AccountRecord> {
    return this.#profile.updateName(accountId, name)
  }

  /** See `Profile.updatePassword`: other sessions end unless `invalidateSessionsOnPasswordChange` is off. */
  async updatePassword(accountId: string, password: string, oldPassword?: string, options: UpdatePasswordOptions = {}): Promise<AccountRecord> {
    return this.#profile.updatePassword(accountId, password, oldPassword, options)
  }

  /**
   * Changes the email. An account with a password must give it; a password-less one
   * (anonymous, magic URL, phone) gets the given password as its own: the account is
   * upgraded in place and keeps its `$id`.
   */
  async updateEmail(accountId: string, email: string, password: string, options: { sessionId?: string } = {}): Promise<AccountRecord> {
    return this.#profile.updateEmail(accountId, email, password, options)
  }

  /** Changes the phone (E.164), with the same password rule as `updateEmail`. */
  async updatePhone(accountId: string, phone: string, password: string, options: { sessionId?: string } = {}): Promise<AccountRecord> {
    return this.#profile.updatePhone(accountId, phone, password, options)
  }

  /** Replaces the whole prefs object (Appwrite semantics: no merge). */
  async updatePrefs(accountId: string, prefs: unknown): Promise<AccountRecord> {
    return this.#profile.updatePrefs(accountId, prefs)
  }

  /** Blocks the account: its sessions stay but every request with them answers 403. */
  async blockAccount(accountId: string): Promise<AccountRecord> {
    const updated = await this.update(accountId, (a) => {
      a.status = false
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.blocked)
    return updated
  }

  /** Sets `status` back to active: the account can sign in again. */
  async unblockAccount(accountId: string): Promise<AccountRecord> {
    const updated = await this.update(accountId, (a) => {
      a.status = true
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.unblocked)
    return updated
  }

  /**
   * The account's security log, newest first: Appwrite `queries[]` (`limit` ≤ 5000, default
   * 25; `offset`; `cursorAfter`), as JSON strings or parsed objects; `total: false` skips the
   * count. Entries are records (`toLogModel` gives the wire model).
   */
  async listLogs(accountId: string, queries?: unknown, options: { total?: boolean } = {}): Promise<LogPage> {
    return this.#core.securityLog.list(accountId, queries, options)
  }

  /** The security log every part records into (`record()`; the event names are `SECURITY_EVENTS`). */
  get securityLog(): Core['securityLog'] {
    return this.#core.securityLog
  }

  /**
   * Replaces the account's labels (Appwrite's rules: ≤ 1,000 labels of 1–36 letters and
   * digits; duplicates dropped), else `400 general_argument_invalid` and nothing changes.
   */
  async updateLabels(accountId: string, labels: unknown): Promise<AccountRecord> {
    const next = labelRules.labels('labels', labels)
    return this.update(accountId, (a) => {
      a.labels = next
    })
  }

  /**
   * Lets the account act as other accounts (`true`) or stops it (`false`, effective on its
   * next request: the flag is read with the session on every request). See docs/impersonation.md.
   */
  async updateImpersonator(accountId: string, impersonator: boolean): Promise<AccountRecord> {
    if (typeof impersonator !== 'boolean') throw v.invalidBoolean('impersonator')
    return this.update(accountId, (a) => {
      a.impersonator = impersonator
    })
  }

  /**
   * Refreshes `accessedAt` when it is more than a day old, as Appwrite does. The router
   * calls it off the response path; `requireSession()` never writes.
   */
  async touch(account: AccountRecord): Promise<void> {
    if (this.#core.clock.now() - account.accessedAt < ACCESS_REFRESH_MS) return
    // Bookkeeping, not a change the user made: no `accountUpdated` event.
    await this.#core.accounts.update(account.id, (a) => {
      a.accessedAt = this.#core.clock.now()
    }, false)
  }

  /** Deletes the account with its sessions, tokens and identities, and releases its email and phone. */
  async deleteAccount(accountId: string): Promise<void> {
    if (!(await this.store.deleteAccount(v.wellFormed('accountId', accountId)))) throw new AccountsError('user_not_found')
    this.#core.events.emit('accountDeleted', { accountId })
  }

  /**
   * Read-modify-write with compare-and-set on `rev` (see `AccountRecords.update`): no update
   * is lost to a concurrent writer, and a change no store can round-trip is refused (400).
   */
  async update(accountId: string, change: (account: AccountRecord) => void): Promise<AccountRecord> {
    return this.#core.accounts.update(accountId, change)
  }

  // ── sign-in ────────────────────────────────────────────────────────────────

  /**
   * Email + password sign-in. Unknown email, password-less account and wrong password all
   * answer the same 401 after the same bcrypt work, so neither the answer nor its timing
   * tells whether an account exists. `user_blocked` is only revealed to the right password.
   */
  async signInWithPassword(input: { email: unknown; password: unknown }, client: ClientContext = {}): Promise<SignIn> {
    return this.#passwordSignIn.signIn(input, client)
  }

  /** Creates an anonymous account and signs it in. */
  async signInAnonymously(client: ClientContext = {}): Promise<SignIn> {
    if (this.options.project === 'console') throw new AccountsError('user_anonymous_console_prohibited')
    const account = await this.createAnonymousAccount()
    try {
      return await this.sessions.create(account, { provider: 'anonymous', providerUid: '', factors: ['anonymous'] }, client)
    } catch (err) {
      // A vetoed (or failed) session leaves no account nobody can ever sign in to.
      await this.store.deleteAccount(account.id).catch(() => undefined)
      throw err
    }
  }

  /**
   * Signs an account in from trusted server code (after your own checks): creates the same
   * Session record every other sign-in creates.
   */
  async signIn(accountId: string, client: ClientContext = {}, provider = 'server'): Promise<SignIn> {
    const account = await this.#core.accounts.mustGet(accountId)
    if (!account.status) throw new AccountsError('user_blocked')
    return this.sessions.create(account, { provider, providerUid: '', factors: ['server'] }, client)
  }
}
