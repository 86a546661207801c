import { AccountsError, invalidParam } from './errors.js'
import { Hooks, type AccountsEventName, type Listener } from './hooks.js'
import { resolveOptions, type AccountsOptions, type ResolvedOptions } from './options.js'
import { Limits } from './limits/limits.js'
import { Passwords } from './password.js'
import { Jwts } from './jwt.js'
import { Mfa } from './mfa/mfa.js'
import { Messenger } from './messenger.js'
import { OAuth2 } from './oauth2/oauth2.js'
import { Passwordless } from './passwordless.js'
import { phone as validPhone } from './phone.js'
import { Recovery } from './recovery.js'
import { Sessions, type ClientContext, type SignIn } from './sessions.js'
import { Tokens } from './tokens.js'
import { Verification } from './verification.js'
import type { AccountRecord, IdentityRecord, ReplaceResult } from './store/store.js'
import type { GuardedStore } from './store/guarded-store.js'
import { newId } from './secrets.js'
import { assertStorable } from './storable.js'
import * as v from './validate.js'

export interface CreateAccountInput {
  /** A custom id (≤ 36 chars) or `'unique()'` / omitted for a generated one. */
  userId?: string
  email: string
  password: string
  name?: string
}

export interface UpdatePasswordOptions {
  /** The session that stays signed in (the caller's own); every other one ends. Default: none. */
  keepSessionId?: string
  /**
   * The session making the change: refused (`401 user_invalid_credentials`) if it has ended
   * by the time the change is written (a takeover, recovery or revocation ended it).
   */
  sessionId?: string
}

const MAX_CAS_RETRIES = 8
/** Tokens bound to an address: an address change voids them. */
const EMAIL_TOKEN_KINDS = ['email-otp', 'magic-url', 'recovery', 'email-verification']
const PHONE_TOKEN_KINDS = ['phone-otp', 'phone-verification']
const ACCESS_REFRESH_MS = 24 * 3600 * 1000

/**
 * The core service: every account rule lives here, no HTTP. The router, the strategies and
 * server-side code (admin tasks, tests, jobs) all call it.
 */
export class Accounts {
  readonly options: ResolvedOptions
  /** The configured store behind the `storeTimeout` deadline (`store.inner` is the store as given). */
  readonly store: GuardedStore
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
  /** OAuth2 / OpenID Connect sign-in and identities. */
  readonly oauth2: OAuth2
  /** Multi-factor authentication: TOTP, email / phone challenges, recovery codes, the gate. */
  readonly mfa: Mfa
  /** bcrypt hashing, bounded per process (`passwords.gate` has the gauges). */
  readonly passwords: Passwords
  /** The abuse limits the router and the strategies share (counted in the store). */
  readonly limits: Limits
  readonly #hooks = new Hooks()

  constructor(options: AccountsOptions = {}) {
    this.options = resolveOptions(options)
    this.store = this.options.store
    this.passwords = new Passwords(this.options)
    this.limits = new Limits(this.options, this.#hooks)
    this.sessions = new Sessions(this.options, this.#hooks)
    this.jwts = new Jwts(this.options, this.sessions)
    this.tokens = new Tokens(this.options)
    const messenger = new Messenger(this.options, this.#hooks)
    this.passwordless = new Passwordless(this, this.tokens, messenger)
    this.recovery = new Recovery(this, this.tokens, messenger)
    this.verification = new Verification(this, this.tokens, messenger)
    this.oauth2 = new OAuth2(this, this.options.oauth2)
    this.mfa = new Mfa(this, this.tokens, messenger)
  }

  /** Subscribe to an event (`accountCreated`, `signIn`, …); returns an unsubscribe function. */
  on<E extends AccountsEventName>(event: E, listener: Listener<E>): () => void {
    return this.#hooks.on(event, listener)
  }

  // ── accounts ───────────────────────────────────────────────────────────────

  async createAccount(input: CreateAccountInput): Promise<AccountRecord> {
    const id = input.userId === undefined ? null : v.userId('userId', input.userId)
    const email = v.email('email', input.email)
    const password = v.password('password', input.password)
    const name = input.name === undefined ? '' : v.name('name', input.name, true)
    const now = this.#now()
    const account = blankAccount(id ?? newId(), now)
    account.email = email
    account.name = name
    account.passwordHash = await this.passwords.hash(password)
    account.passwordUpdatedAt = now
    return this.insert(account)
  }

  /** Creates a password-less account with no email (anonymous sign-in). */
  async createAnonymousAccount(): Promise<AccountRecord> {
    return this.insert(blankAccount(newId(), this.#now()))
  }

  /** Creates a password-less account owning an email or a phone (passwordless sign-up). */
  async createPasswordlessAccount(input: { id?: string; email?: string; phone?: string; name?: string; emailVerification?: boolean }): Promise<AccountRecord> {
    const id = input.id === undefined ? null : v.userId('id', input.id)
    const account = blankAccount(id ?? newId(), this.#now())
    account.email = input.email ?? ''
    account.phone = input.phone ?? ''
    account.name = input.name ?? ''
    account.emailVerification = Boolean(input.email) && input.emailVerification === true
    return this.insert(account)
  }

  /**
   * Stores a fully built record (for flows that create accounts their own way). Refused with
   * a 400 when the id is not a valid custom id or a field could not be stored and read back
   * unchanged (see `assertStorable`).
   */
  async insert(account: AccountRecord): Promise<AccountRecord> {
    if (v.userId('id', account.id) === null) throw invalidParam('id', 'Value must be an account id, not unique().')
    assertStorable(account)
    const result = await this.store.insertAccount(account)
    if (!result.ok) throw new AccountsError('user_already_exists')
    this.#hooks.emit('accountCreated', { account })
    return account
  }

  // Lookups refuse (400) a string with a lone surrogate too: in a Redis key it would collapse
  // into U+FFFD and name another value's key.
  async getAccount(accountId: string): Promise<AccountRecord | null> {
    return this.store.getAccount(v.wellFormed('accountId', accountId))
  }

  async findAccountByEmail(email: string): Promise<AccountRecord | null> {
    const id = await this.store.findAccountId('email', v.wellFormed('email', email).trim().toLowerCase())
    return id ? this.store.getAccount(id) : null
  }

  async findAccountByPhone(phone: string): Promise<AccountRecord | null> {
    const id = await this.store.findAccountId('phone', v.wellFormed('phone', phone))
    return id ? this.store.getAccount(id) : null
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

  async updateName(accountId: string, name: string): Promise<AccountRecord> {
    const value = v.name('name', name)
    return this.update(accountId, (a) => {
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
    const next = v.password('password', password)
    const account = await this.#mustGet(accountId)
    if (account.passwordHash !== null) {
      // UTF-8 would turn a lone surrogate into U+FFFD: refused, not compared.
      if (typeof oldPassword === 'string') v.wellFormed('oldPassword', oldPassword)
      if (typeof oldPassword !== 'string' || !(await this.passwords.verify(oldPassword, account.passwordHash))) {
        throw new AccountsError('user_invalid_credentials')
      }
    }
    const checked = account.passwordHash
    const hash = await this.passwords.hash(next)
    await this.#sessionStillLive(accountId, options.sessionId)
    const updated = await this.update(accountId, (a) => {
      // Checked against a copy read before two bcrypt runs: a takeover or recovery that
      // landed meanwhile must not be undone by a request its loser started before it.
      if (a.passwordHash !== checked) throw new AccountsError('user_invalid_credentials')
      a.passwordHash = hash
      a.passwordUpdatedAt = this.#now()
    })
    if (this.options.invalidateSessionsOnPasswordChange) await this.sessions.deleteAll(accountId, options.keepSessionId)
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

  async #updateContact(accountId: string, field: 'email' | 'phone', value: string, password: string, sessionId?: string): Promise<AccountRecord> {
    const verified = field === 'email' ? 'emailVerification' : 'phoneVerification'
    const { checked, newHash } = await this.#checkOrSetPassword(accountId, password)
    await this.#sessionStillLive(accountId, sessionId)
    const before = (await this.#mustGet(accountId))[field]
    const updated = await this.update(accountId, (a) => {
      // As in updatePassword: the password was checked against an earlier copy; if it changed
      // since (takeover, recovery), or a password-less account got one, the check is void.
      if (a.passwordHash !== checked) throw new AccountsError('user_invalid_credentials')
      if (a[field] !== value) a[verified] = false
      a[field] = value
      if (newHash !== null) {
        a.passwordHash = newHash
        a.passwordUpdatedAt = this.#now()
      }
    })
    // Codes and links already sent to the old address must not keep working.
    if (before !== value) await this.store.deleteTokens(accountId, field === 'email' ? EMAIL_TOKEN_KINDS : PHONE_TOKEN_KINDS)
    return updated
  }

  /** Replaces the whole prefs object (Appwrite semantics: no merge). */
  async updatePrefs(accountId: string, prefs: unknown): Promise<AccountRecord> {
    const value = v.prefs('prefs', prefs)
    return this.update(accountId, (a) => {
      a.prefs = value
    })
  }

  /** Blocks the account: its sessions stay but every request with them answers 403. */
  async blockAccount(accountId: string): Promise<AccountRecord> {
    return this.update(accountId, (a) => {
      a.status = false
    })
  }

  async unblockAccount(accountId: string): Promise<AccountRecord> {
    return this.update(accountId, (a) => {
      a.status = true
    })
  }

  /**
   * Refreshes `accessedAt` when it is more than a day old, as Appwrite does. The router
   * calls it off the response path; `requireSession()` never writes.
   */
  async touch(account: AccountRecord): Promise<void> {
    if (this.#now() - account.accessedAt < ACCESS_REFRESH_MS) return
    // Bookkeeping, not a change the user made: no `accountUpdated` event.
    await this.#write(account.id, (a) => {
      a.accessedAt = this.#now()
    }, false)
  }

  async deleteAccount(accountId: string): Promise<void> {
    if (!(await this.store.deleteAccount(v.wellFormed('accountId', accountId)))) throw new AccountsError('user_not_found')
    this.#hooks.emit('accountDeleted', { accountId })
  }

  /**
   * Read-modify-write with compare-and-set on `rev`: a concurrent writer makes the store
   * answer `stale` and the change is replayed on the fresh record, so no update is lost.
   * A change leaving a value no store can round-trip (a lone surrogate, prefs nested past
   * the cap, a Date…) is refused with `400 general_argument_invalid` naming the field, and
   * nothing is written.
   */
  async update(accountId: string, change: (account: AccountRecord) => void): Promise<AccountRecord> {
    return this.#write(accountId, change, true)
  }

  async #write(accountId: string, change: (account: AccountRecord) => void, announce: boolean): Promise<AccountRecord> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = await this.#mustGet(accountId)
      const next = structuredClone(current)
      change(next)
      if (next.id !== current.id) throw invalidParam('id', 'The account id cannot change.')
      assertStorable(next, current)
      next.rev = current.rev + 1
      next.updatedAt = this.#now()
      const result: ReplaceResult = await this.store.replaceAccount(next, current.rev)
      if (result.ok) {
        if (announce) this.#hooks.emit('accountUpdated', { account: next })
        return next
      }
      if (result.conflict === 'missing') throw new AccountsError('user_not_found')
      if (result.conflict === 'email') throw new AccountsError('user_target_already_exists')
      if (result.conflict === 'phone') throw new AccountsError('user_phone_already_exists')
    }
    // Writers keep winning the compare-and-set: a retry later will settle; nothing was written.
    throw new AccountsError('store_contention')
  }

  // ── sign-in ────────────────────────────────────────────────────────────────

  /**
   * Email + password sign-in. Unknown email, password-less account and wrong password all
   * answer the same 401 after the same bcrypt work, so neither the answer nor its timing
   * tells whether an account exists. `user_blocked` is only revealed to the right password.
   */
  async signInWithPassword(input: { email: unknown; password: unknown }, client: ClientContext = {}): Promise<SignIn> {
    const email = v.email('email', input.email)
    const password = v.password('password', input.password)
    const account = await this.findAccountByEmail(email)
    // The client's share of the bcrypt queue (router and strategies set it; see BcryptGate).
    const charged = client.limitKey
    if (!account || account.passwordHash === null) {
      await this.passwords.burn(password, charged)
      throw new AccountsError('user_invalid_credentials')
    }
    if (!(await this.passwords.verify(password, account.passwordHash, charged))) throw new AccountsError('user_invalid_credentials')
    if (!account.status) throw new AccountsError('user_blocked')
    const checkedHash = account.passwordHash
    let rehashed: string | null = null
    let signedIn = account
    if (this.passwords.needsRehash(checkedHash)) {
      const hash = await this.passwords.hash(password, charged)
      rehashed = hash
      signedIn = await this.#write(account.id, (a) => {
        // Only the hash that was checked is replaced: a reset or password change that landed
        // meanwhile must not be undone by this sign-in's rehash.
        if (a.passwordHash === checkedHash) a.passwordHash = hash
      }, false)
    }
    const signIn = await this.sessions.create(signedIn, { provider: 'email', providerUid: email, factors: ['password'] }, client)
    // The password was checked before the bcrypt wait; if it changed (recovery, password
    // change) or the account was blocked meanwhile, this session must not outlive that. A
    // different hash can also be another sign-in's rehash of the same password: only then is
    // the (rare) second bcrypt check spent.
    const now = await this.store.getAccount(account.id)
    const samePassword =
      now !== null &&
      now.passwordHash !== null &&
      (now.passwordHash === checkedHash || now.passwordHash === rehashed || (await this.passwords.verify(password, now.passwordHash, charged)))
    if (!now || !now.status || !samePassword) {
      await this.sessions.delete(account.id, signIn.session.id).catch(() => undefined)
      throw new AccountsError(now && !now.status ? 'user_blocked' : 'user_invalid_credentials')
    }
    return signIn
  }

  /** Creates an anonymous account and signs it in. */
  async signInAnonymously(client: ClientContext = {}): Promise<SignIn> {
    if (this.options.project === 'console') throw new AccountsError('user_anonymous_console_prohibited')
    const account = await this.createAnonymousAccount()
    return this.sessions.create(account, { provider: 'anonymous', providerUid: '', factors: ['anonymous'] }, client)
  }

  /**
   * Signs an account in from trusted server code (after your own checks): creates the same
   * Session record every other sign-in creates.
   */
  async signIn(accountId: string, client: ClientContext = {}, provider = 'server'): Promise<SignIn> {
    const account = await this.#mustGet(accountId)
    if (!account.status) throw new AccountsError('user_blocked')
    return this.sessions.create(account, { provider, providerUid: '', factors: ['server'] }, client)
  }

  /**
   * Contact changes need the password. Returns null when the given one is right, or the hash
   * to set when the account has none yet (its password is being chosen now).
   */
  async #checkOrSetPassword(accountId: string, password: string): Promise<{ checked: string | null; newHash: string | null }> {
    const pw = v.password('password', password)
    const account = await this.#mustGet(accountId)
    if (account.passwordHash === null) return { checked: null, newHash: await this.passwords.hash(pw) }
    if (!(await this.passwords.verify(pw, account.passwordHash))) throw new AccountsError('user_invalid_credentials')
    return { checked: account.passwordHash, newHash: null }
  }

  /**
   * A session ended during the bcrypt wait (takeover, recovery, revocation) must not finish
   * the change it started. Not atomic with the write (sessions are other records); the
   * password-hash check inside the compare-and-set is what closes the race for takeovers and
   * recoveries, which always change or remove a password that was checked.
   */
  async #sessionStillLive(accountId: string, sessionId: string | undefined): Promise<void> {
    if (sessionId === undefined) return
    const session = await this.store.getSession(accountId, sessionId)
    if (!session || session.expiresAt <= this.#now()) throw new AccountsError('user_invalid_credentials')
  }

  async #mustGet(accountId: string): Promise<AccountRecord> {
    const account = await this.store.getAccount(v.wellFormed('accountId', accountId))
    if (!account) throw new AccountsError('user_not_found')
    return account
  }

  #now(): number {
    return this.options.clock.now()
  }
}

function blankAccount(id: string, now: number): AccountRecord {
  return {
    id,
    rev: 1,
    createdAt: now,
    updatedAt: now,
    registration: now,
    accessedAt: now,
    name: '',
    email: '',
    phone: '',
    emailVerification: false,
    phoneVerification: false,
    status: true,
    labels: [],
    mfa: false,
    prefs: {},
    passwordHash: null,
    passwordUpdatedAt: null,
  }
}
