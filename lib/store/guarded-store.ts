import { AccountsError } from '../errors.js'
import type { AccountPage, AccountQuery, IdentityPage, IdentityQuery } from './store.js'
import { DeadlineList } from './deadline-list.js'
import { MemoryStore } from './memory-store.js'
import type {
  AccountRecord, ConsumeQuery, HitResult, IdentityRecord, InsertResult, ReplaceResult, SessionRecord,
  Store, TokenRecord, UniqueField,
  PutTokenOptions, AppendLogOptions, LogRecord,
} from './store.js'

/** Node's socket error codes that mean "the store can't be reached", whoever's client raised them. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENOTFOUND', 'EAI_AGAIN', 'ENOTCONN',
])

/**
 * An AccountsError `store_unavailable` (503) wrapping `cause`. Stores throw it (or an
 * AccountsError of their own) to say "can't reach the data right now, retry later"; anything
 * else a store throws is treated as a bug (500) unless it carries a Node connection error code.
 */
export function storeUnavailable(cause: unknown): AccountsError {
  return new AccountsError('store_unavailable', undefined, { cause })
}

/** A store fault as the client should see it: AccountsErrors and bugs as they are, connection faults as 503. */
export function classifyStoreError(err: unknown): unknown {
  if (err instanceof AccountsError) return err
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return storeUnavailable(err)
  return err
}

/**
 * What the core actually calls: the configured store with a deadline on every call. A call
 * that does not settle within `timeoutSeconds` rejects with `503 store_timeout`, so a hung
 * store (a paused Redis, a dead socket no one noticed, a queued command waiting for a
 * reconnect) never holds a request open; connection faults become `503 store_unavailable`.
 * The abandoned call is left to finish or fail on its own: the Store contract makes each call
 * atomic, so it either happened or it didn't, and the client was told to retry.
 */
export class GuardedStore implements Store {
  /** The store as configured (`options.store`). */
  readonly inner: Store
  readonly #timeoutMs: number
  /** A timeout was reported and no call has settled in time since: one warning per slow spell, not one per request. */
  #reported = false

  readonly #deadlines: DeadlineList

  constructor(inner: Store, timeoutSeconds: number) {
    this.inner = inner
    this.#timeoutMs = timeoutSeconds * 1000
    this.#deadlines = new DeadlineList(this.#timeoutMs)
    // Exactly the embedded store: a subclass may add I/O (or stall on purpose, in tests).
    this.#inMemory = inner.constructor === MemoryStore
  }

  readonly #inMemory: boolean

  #guard<T>(call: () => Promise<T>): Promise<T> {
    // The embedded MemoryStore answers without I/O, so it cannot hang: no deadline to keep.
    if (this.#inMemory) return call()
    return new Promise<T>((resolve, reject) => {
      // One shared timer for all pending calls (DeadlineList), not a setTimeout per call: the
      // guard runs on every request, and creating, unref'ing and clearing a timer each time
      // showed up in the requireSession() profile.
      const deadline = this.#deadlines.add(() => {
        if (!this.#reported) {
          this.#reported = true
          process.emitWarning(`express-accounts: a store call did not settle within ${this.#timeoutMs / 1000} s (storeTimeout); answering 503 store_timeout`, { code: 'EXPRESS_ACCOUNTS_STORE_TIMEOUT' })
        }
        reject(new AccountsError('store_timeout'))
      })
      let pending: Promise<T>
      try {
        pending = call()
      } catch (err) {
        // A store method that throws synchronously is still a settled failure.
        pending = Promise.reject(err)
      }
      pending.then(
        (value) => {
          if (deadline.cancel()) this.#reported = false
          resolve(value)
        },
        (err: unknown) => {
          deadline.cancel()
          reject(classifyStoreError(err))
        },
      )
    })
  }

  insertAccount(account: AccountRecord): Promise<InsertResult> {
    return this.#guard(() => this.inner.insertAccount(account))
  }
  getAccount(id: string): Promise<AccountRecord | null> {
    return this.#guard(() => this.inner.getAccount(id))
  }
  findAccountId(field: UniqueField, value: string): Promise<string | null> {
    return this.#guard(() => this.inner.findAccountId(field, value))
  }
  replaceAccount(next: AccountRecord, expectedRev: number): Promise<ReplaceResult> {
    return this.#guard(() => this.inner.replaceAccount(next, expectedRev))
  }
  appendLog(entry: LogRecord, options: AppendLogOptions): Promise<boolean> {
    return this.#guard(() => this.inner.appendLog(entry, options))
  }

  listLogs(accountId: string, options: { now: number; maxAgeMs: number }): Promise<LogRecord[]> {
    return this.#guard(() => this.inner.listLogs(accountId, options))
  }

  deleteAccount(id: string): Promise<boolean> {
    return this.#guard(() => this.inner.deleteAccount(id))
  }
  createSession(session: SessionRecord, opts: { maxSessions: number; ttlMs: number }): Promise<string[]> {
    return this.#guard(() => this.inner.createSession(session, opts))
  }
  getSession(accountId: string, sessionId: string): Promise<SessionRecord | null> {
    return this.#guard(() => this.inner.getSession(accountId, sessionId))
  }
  getSessionWithAccount(accountId: string, sessionId: string): Promise<{ session: SessionRecord | null; account: AccountRecord | null }> {
    return this.#guard(() => this.inner.getSessionWithAccount(accountId, sessionId))
  }
  /** No deadline: it answers synchronously or not at all. */
  peekSessionWithAccount(accountId: string, sessionId: string): { session: SessionRecord | null; account: AccountRecord | null } | undefined {
    return this.inner.peekSessionWithAccount?.(accountId, sessionId)
  }
  listSessions(accountId: string): Promise<SessionRecord[]> {
    return this.#guard(() => this.inner.listSessions(accountId))
  }
  replaceSession(session: SessionRecord, ttlMs: number): Promise<boolean> {
    return this.#guard(() => this.inner.replaceSession(session, ttlMs))
  }
  deleteSession(accountId: string, sessionId: string): Promise<boolean> {
    return this.#guard(() => this.inner.deleteSession(accountId, sessionId))
  }
  deleteSessions(accountId: string, exceptId?: string): Promise<string[]> {
    return this.#guard(() => this.inner.deleteSessions(accountId, exceptId))
  }
  queryAccounts(query: AccountQuery): Promise<AccountPage | null> {
    return this.#guard(() => this.inner.queryAccounts(query))
  }
  putToken(token: TokenRecord, ttlMs: number, options?: PutTokenOptions): Promise<void> {
    return this.#guard(() => this.inner.putToken(token, ttlMs, options))
  }
  consumeToken(accountId: string, query: ConsumeQuery): Promise<TokenRecord | null> {
    return this.#guard(() => this.inner.consumeToken(accountId, query))
  }
  deleteTokens(accountId: string, kinds?: string[]): Promise<number> {
    return this.#guard(() => this.inner.deleteTokens(accountId, kinds))
  }
  queryIdentities(query: IdentityQuery): Promise<IdentityPage | null> {
    return this.#guard(() => this.inner.queryIdentities(query))
  }
  insertIdentity(identity: IdentityRecord): Promise<{ ok: true } | { ok: false; conflict: 'identity' | 'missing' }> {
    return this.#guard(() => this.inner.insertIdentity(identity))
  }
  findIdentityOwner(provider: string, providerUid: string): Promise<string | null> {
    return this.#guard(() => this.inner.findIdentityOwner(provider, providerUid))
  }
  listIdentities(accountId: string): Promise<IdentityRecord[]> {
    return this.#guard(() => this.inner.listIdentities(accountId))
  }
  getIdentity(accountId: string, identityId: string): Promise<IdentityRecord | null> {
    return this.#guard(() => this.inner.getIdentity(accountId, identityId))
  }
  findIdentity(identityId: string): Promise<IdentityRecord | null> {
    return this.#guard(() => this.inner.findIdentity(identityId))
  }
  replaceIdentity(identity: IdentityRecord): Promise<boolean> {
    return this.#guard(() => this.inner.replaceIdentity(identity))
  }
  deleteIdentity(accountId: string, identityId: string): Promise<boolean> {
    return this.#guard(() => this.inner.deleteIdentity(accountId, identityId))
  }
  putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    return this.#guard(() => this.inner.putOnce(key, value, ttlMs))
  }
  takeOnce(key: string): Promise<string | null> {
    return this.#guard(() => this.inner.takeOnce(key))
  }
  hit(key: string, windowSeconds: number): Promise<HitResult> {
    return this.#guard(() => this.inner.hit(key, windowSeconds))
  }
  resetHits(key: string): Promise<void> {
    return this.#guard(() => this.inner.resetHits(key))
  }
  peekHits(key: string): Promise<HitResult> {
    return this.#guard(() => this.inner.peekHits(key))
  }
  /** Not guarded: closing waits for the store's own shutdown, however long it takes. */
  close(): Promise<void> {
    return this.inner.close()
  }
}
