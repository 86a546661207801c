import { AccountsError } from '../errors.js'
import { parseUserAgent } from '../client-info.js'
import { encodeSessionValue, type SessionValue } from '../session-value.js'
import { newSecret, safeEqualDigest, secretDigests, sessionIdFor, sha256Hex, type SecretDigests } from '../secrets.js'
import { assertStorable } from '../storable.js'
import type { AccountRecord, SessionRecord } from '../store/store.js'
import * as v from '../validate.js'
import { runBeforeHook } from './before-hooks.js'
import type { CoreContext } from './context.js'
import { scopeWith, SECURITY_EVENTS, sessionCreatedEvent } from './security-log.js'

/** Who is signing in: recorded on the session for the owner's session list. */
export interface ClientContext {
  ip?: string | undefined
  userAgent?: string | undefined
  /**
   * Who the sign-in's bcrypt work is charged to (`clientKey(ip)`), for the per-client share
   * of the bcrypt queue (`bcryptPerClient`). Not recorded. The router sets it for every
   * caller but API-key ones, the strategies always; absent, only the process-wide bound applies.
   */
  limitKey?: string | undefined
}

/** What a sign-in hands back. `value` is what carriers hold; it is never stored. */
export interface SignIn {
  account: AccountRecord
  session: SessionRecord
  /** The raw 256-bit session secret (64 hex). */
  secret: string
  /** `base64(JSON {id, secret})`: the cookie / `X-Appwrite-Session` value. */
  value: string
}

/** How a session came to be; the rest of the record is filled in here. */
export interface SessionOrigin {
  provider: string
  providerUid: string
  factors: string[]
  providerAccessToken?: string
  providerAccessTokenExpiry?: number | null
  providerRefreshToken?: string
  /** The before-hooks already ran for this sign-in (`Sessions.vet`), before an earlier write of its own. */
  vetted?: boolean
}

/** An authenticated request's account and session. */
export interface Authenticated {
  account: AccountRecord
  session: SessionRecord
}

/**
 * Where a carrier's session is looked up, or null when the value can name no session: an
 * empty id or secret, a secret longer than any we issue, or (decoded JSON may hold them) lone
 * surrogates.
 */
function lookupOf(value: SessionValue): SecretDigests | null {
  if (!value.userId || !value.secret || value.secret.length > 512) return null
  if (!value.userId.isWellFormed() || !value.secret.isWellFormed()) return null
  return secretDigests(value.secret)
}

/** An account's sessions (`accounts.sessions`): list, get, extend, delete, and resolve the value a carrier holds. */
export class Sessions {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  /**
   * Creates a Session record for an account that has already proved who it is. The store
   * evicts the oldest sessions beyond `maxSessions` in the same atomic step.
   */
  async create(account: AccountRecord, origin: SessionOrigin, client: ClientContext = {}): Promise<SignIn> {
    // Headers reach here from HTTP as Latin-1 and are always well-formed; server code passing
    // its own context gets the same refusal as any other input.
    if (client.ip !== undefined) v.wellFormed('ip', client.ip)
    if (client.userAgent !== undefined) v.wellFormed('userAgent', client.userAgent)
    const now = this.#ctx.clock.now()
    const secret = newSecret()
    const session: SessionRecord = {
      id: sessionIdFor(secret),
      accountId: account.id,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + this.#ctx.options.sessionDuration * 1000,
      secretHash: sha256Hex(secret),
      provider: origin.provider,
      providerUid: origin.providerUid,
      providerAccessToken: origin.providerAccessToken ?? '',
      providerAccessTokenExpiry: origin.providerAccessTokenExpiry ?? null,
      providerRefreshToken: origin.providerRefreshToken ?? '',
      ip: client.ip ?? '',
      client: parseUserAgent(client.userAgent),
      factors: [...origin.factors],
      mfaUpdatedAt: null,
    }
    assertStorable(session)
    if (!origin.vetted) await this.vet(account, origin.provider)
    const evicted = await this.#ctx.store.createSession(session, {
      maxSessions: this.#ctx.options.maxSessions,
      ttlMs: this.#ctx.options.sessionDuration * 1000,
    })
    const scope = scopeWith(client)
    await this.#ctx.securityLog.record(account, sessionCreatedEvent(origin.provider), scope)
    for (const _ of evicted) await this.#ctx.securityLog.record(account, SECURITY_EVENTS.sessionEvicted, scope)
    this.#ctx.events.emit('signIn', { account, session })
    for (const sessionId of evicted) this.#ctx.events.emit('sessionDeleted', { accountId: account.id, sessionId })
    return { account, session, secret, value: encodeSessionValue({ userId: account.id, secret }) }
  }

  /**
   * Runs the before-hooks of a sign-in (`beforeSignIn`, then `beforeSessionCreate`): after
   * validation and before the write, so a refused sign-in stores nothing. A flow that writes
   * something of its own first (a rehash, a first proof) calls it before that write and passes
   * `vetted: true` to `create`. An anonymous session proves nothing about an existing account:
   * no `beforeSignIn`.
   */
  async vet(account: AccountRecord, provider: string): Promise<void> {
    const { hooks } = this.#ctx.options
    if (provider !== 'anonymous') await runBeforeHook(hooks, 'beforeSignIn', { account, provider })
    await runBeforeHook(hooks, 'beforeSessionCreate', { account, provider })
  }

  /**
   * The account and session a carrier value opens, or null (the caller is a guest). One
   * store round trip: the session id is derived from the secret and both keys share the
   * account's hash tag. No writes.
   */
  resolve(value: SessionValue): Promise<Authenticated | null> {
    // Not an async function: one promise fewer per request (`then` on the store's).
    const digest = lookupOf(value)
    if (digest === null) return Promise.resolve(null)
    return this.#ctx.store.getSessionWithAccount(value.userId, digest.sessionId).then((found) => this.#checkSecret(found, digest.hash))
  }

  /**
   * {@link resolve}, answered synchronously when the store has the records at hand (MemoryStore;
   * RedisStore on a client-side cache hit), else `undefined`: then call `resolve`. Same checks.
   */
  resolveAtHand(value: SessionValue): Authenticated | null | undefined {
    const digest = lookupOf(value)
    if (digest === null) return null
    const found = this.#ctx.store.peekSessionWithAccount?.(value.userId, digest.sessionId)
    return found === undefined ? undefined : this.#checkSecret(found, digest.hash)
  }

  #checkSecret(found: { session: SessionRecord | null; account: AccountRecord | null }, secretHash: string): Authenticated | null {
    // Constant-time check of the full hash: the derived id only located the record. Both
    // digests are 64 hex, compared as they are. Then the checks of a session known by id.
    if (!found.session || !safeEqualDigest(found.session.secretHash, secretHash)) return null
    return this.#live(found)
  }

  /** Resolves a session the caller already knows by id (JWT, express-session carriers). */
  resolveById(accountId: string, sessionId: string): Promise<Authenticated | null> {
    if (!accountId.isWellFormed() || !sessionId.isWellFormed()) return Promise.resolve(null)
    return this.#ctx.store.getSessionWithAccount(accountId, sessionId).then((found) => this.#live(found))
  }

  /** {@link resolveById}, synchronously when the store has the records at hand, else `undefined`. */
  resolveByIdAtHand(accountId: string, sessionId: string): Authenticated | null | undefined {
    if (!accountId.isWellFormed() || !sessionId.isWellFormed()) return null
    const found = this.#ctx.store.peekSessionWithAccount?.(accountId, sessionId)
    return found === undefined ? undefined : this.#live(found)
  }

  #live(found: { session: SessionRecord | null; account: AccountRecord | null }): Authenticated | null {
    const { session, account } = found
    if (!session || !account || session.expiresAt <= this.#ctx.clock.now()) return null
    return { account, session }
  }

  /** Live sessions, oldest first. */
  async list(accountId: string): Promise<SessionRecord[]> {
    const now = this.#ctx.clock.now()
    return (await this.#ctx.store.listSessions(v.wellFormed('accountId', accountId))).filter((s) => s.expiresAt > now)
  }

  /** One session of the account; `404 user_session_not_found` when it does not exist or expired. */
  async get(accountId: string, sessionId: string): Promise<SessionRecord> {
    const session = await this.#ctx.store.getSession(v.wellFormed('accountId', accountId), v.wellFormed('sessionId', sessionId))
    if (!session || session.expiresAt <= this.#ctx.clock.now()) throw new AccountsError('user_session_not_found')
    return session
  }

  /** Pushes the expiry to now + `sessionDuration`. */
  async extend(accountId: string, sessionId: string): Promise<SessionRecord> {
    const session = await this.get(accountId, sessionId)
    const now = this.#ctx.clock.now()
    const next: SessionRecord = { ...session, updatedAt: now, expiresAt: now + this.#ctx.options.sessionDuration * 1000 }
    if (!(await this.#ctx.store.replaceSession(next, this.#ctx.options.sessionDuration * 1000))) {
      throw new AccountsError('user_session_not_found')
    }
    return next
  }

  /** Deletes one session of the account (its JWTs die with it). */
  async delete(accountId: string, sessionId: string): Promise<void> {
    if (!(await this.#ctx.store.deleteSession(v.wellFormed('accountId', accountId), v.wellFormed('sessionId', sessionId)))) throw new AccountsError('user_session_not_found')
    await this.#ctx.securityLog.record(accountId, SECURITY_EVENTS.sessionDeleted)
    this.#ctx.events.emit('sessionDeleted', { accountId, sessionId })
  }

  /** Deletes every session of the account except `exceptId`; returns the deleted ids. */
  async deleteAll(accountId: string, exceptId?: string): Promise<string[]> {
    const deleted = await this.#ctx.store.deleteSessions(v.wellFormed('accountId', accountId), exceptId)
    if (deleted.length > 0) await this.#ctx.securityLog.record(accountId, SECURITY_EVENTS.sessionsDeleted)
    for (const sessionId of deleted) this.#ctx.events.emit('sessionDeleted', { accountId, sessionId })
    return deleted
  }
}
