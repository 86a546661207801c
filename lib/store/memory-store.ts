import { parseFrozen } from './frozen-record.js'
import type {
  AccountRecord, ConsumeQuery, HitResult, IdentityRecord, InsertResult, ReplaceResult, SessionRecord,
  Store, TokenRecord, UniqueField,
  PutTokenOptions, AppendLogOptions, LogRecord,
} from './store.js'
import { MemoryIdentities } from './memory-identities.js'
import { MemoryAccountIndex } from './memory-account-index.js'
import type { AccountPage, AccountQuery, IdentityPage, IdentityQuery } from './store.js'
import { MemoryLogs } from './memory-logs.js'

const FIELDS: readonly UniqueField[] = ['email', 'phone']
/** Mutations between two full sweeps of expired entries (keeps cleanup amortised O(1)). */
const SWEEP_EVERY = 1024

let warnedInProduction = false

interface Expiring { json: string; expiresAtMs: number }
interface StoredSession extends Expiring { createdAt: number }
interface TokenBag { expiresAtMs: number; tokens: Map<string, { json: string; failures: number }> }

/** Real-time lifetime for reclaiming space; a non-positive ttl still lives one tick, as in Redis. */
const deadline = (ttlMs: number): number => Date.now() + Math.max(1, Math.ceil(ttlMs))

/**
 * The zero-config store: everything in this process's memory.
 *
 * Values are kept as JSON strings, so callers get fresh copies and behave exactly as they
 * would against {@link RedisStore}. Every method does its work synchronously before its
 * promise settles, which makes each operation atomic in single-threaded JS.
 * Not shared between processes and lost on restart: use `RedisStore` in production.
 */
export class MemoryStore implements Store {
  readonly #accounts = new Map<string, string>()
  /** `<field>:<value>` → owning account id. Always consistent, so never stale. */
  readonly #claims = new Map<string, string>()
  readonly #sessions = new Map<string, Map<string, StoredSession>>()
  readonly #tokens = new Map<string, TokenBag>()
  readonly #identities = new MemoryIdentities()
  readonly #index = new MemoryAccountIndex()
  readonly #logs = new MemoryLogs()
  /** `putOnce` values (`json` holds the raw string). */
  readonly #once = new Map<string, Expiring>()
  readonly #hits = new Map<string, { count: number; resetAt: number }>()
  #writes = 0

  constructor() {
    if (process.env.NODE_ENV === 'production' && !warnedInProduction) {
      warnedInProduction = true
      process.emitWarning(
        'express-accounts: MemoryStore is in use with NODE_ENV=production. Its data is not shared ' +
          'across processes and is lost on restart; pass `store: new RedisStore(...)`.',
        { code: 'EXPRESS_ACCOUNTS_MEMORY_STORE' },
      )
    }
  }

  async insertAccount(account: AccountRecord): Promise<InsertResult> {
    this.#wrote()
    if (this.#accounts.has(account.id)) return { ok: false, conflict: 'id' }
    for (const f of FIELDS) {
      if (account[f] && this.#claims.has(`${f}:${account[f]}`)) return { ok: false, conflict: f }
    }
    this.#accounts.set(account.id, JSON.stringify(account))
    this.#index.put(account)
    for (const f of FIELDS) if (account[f]) this.#claims.set(`${f}:${account[f]}`, account.id)
    return { ok: true }
  }

  async getAccount(id: string): Promise<AccountRecord | null> {
    const json = this.#accounts.get(id)
    return json === undefined ? null : (JSON.parse(json) as AccountRecord)
  }

  async findAccountId(field: UniqueField, value: string): Promise<string | null> {
    return (value && this.#claims.get(`${field}:${value}`)) || null
  }

  async replaceAccount(next: AccountRecord, expectedRev: number): Promise<ReplaceResult> {
    if (next.rev !== expectedRev + 1) throw new TypeError('replaceAccount: next.rev must be expectedRev + 1')
    this.#wrote()
    const json = this.#accounts.get(next.id)
    if (json === undefined) return { ok: false, conflict: 'missing' }
    const cur = JSON.parse(json) as AccountRecord
    if (cur.rev !== expectedRev) return { ok: false, conflict: 'stale' }
    const changed = FIELDS.filter((f) => cur[f] !== next[f])
    for (const f of changed) {
      const owner = next[f] && this.#claims.get(`${f}:${next[f]}`)
      if (owner && owner !== next.id) return { ok: false, conflict: f }
    }
    this.#accounts.set(next.id, JSON.stringify(next))
    this.#index.put(next)
    for (const f of changed) {
      if (cur[f]) this.#claims.delete(`${f}:${cur[f]}`)
      if (next[f]) this.#claims.set(`${f}:${next[f]}`, next.id)
    }
    return { ok: true }
  }

  async deleteAccount(id: string): Promise<boolean> {
    this.#wrote()
    this.#sessions.delete(id)
    this.#tokens.delete(id)
    this.#identities.deleteAll(id)
    this.#logs.deleteAll(id)
    const json = this.#accounts.get(id)
    if (json === undefined) return false
    const cur = JSON.parse(json) as AccountRecord
    for (const f of FIELDS) {
      if (cur[f] && this.#claims.get(`${f}:${cur[f]}`) === id) this.#claims.delete(`${f}:${cur[f]}`)
    }
    this.#accounts.delete(id)
    this.#index.remove(id)
    return true
  }

  async queryAccounts(query: AccountQuery): Promise<AccountPage | null> {
    const found = this.#index.query(query)
    if (!found) return null
    return { total: found.total, accounts: found.ids.map((id) => JSON.parse(this.#accounts.get(id)!) as AccountRecord) }
  }

  async appendLog(entry: LogRecord, options: AppendLogOptions): Promise<boolean> {
    this.#wrote()
    if (!this.#accounts.has(entry.accountId)) return false
    this.#logs.append(entry, options)
    return true
  }

  async listLogs(accountId: string, options: { now: number; maxAgeMs: number }): Promise<LogRecord[]> {
    return this.#logs.list(accountId, options)
  }

  async createSession(session: SessionRecord, opts: { maxSessions: number; ttlMs: number }): Promise<string[]> {
    this.#wrote()
    const live = this.#liveSessions(session.accountId, true)
    live.set(session.id, { json: JSON.stringify(session), expiresAtMs: deadline(opts.ttlMs), createdAt: session.createdAt })
    const evicted: string[] = []
    if (opts.maxSessions > 0) {
      let excess = live.size - opts.maxSessions
      for (const id of sortedIds(live)) {
        if (excess <= 0) break
        if (id === session.id) continue // the session being created is never its own victim
        live.delete(id)
        evicted.push(id)
        excess--
      }
    }
    return evicted
  }

  async getSession(accountId: string, sessionId: string): Promise<SessionRecord | null> {
    const s = this.#liveSessions(accountId, false)?.get(sessionId)
    return s ? (JSON.parse(s.json) as SessionRecord) : null
  }

  async getSessionWithAccount(accountId: string, sessionId: string) {
    return this.#sessionWithAccount(accountId, sessionId)
  }

  /**
   * Always at hand: `getSessionWithAccount`'s answer, synchronously. Unless a subclass (or the
   * instance) replaced `getSessionWithAccount`: then only that one knows the answer.
   */
  peekSessionWithAccount(accountId: string, sessionId: string): { session: SessionRecord | null; account: AccountRecord | null } | undefined {
    if (this.getSessionWithAccount !== MemoryStore.prototype.getSessionWithAccount) return undefined
    return this.#sessionWithAccount(accountId, sessionId)
  }

  #sessionWithAccount(accountId: string, sessionId: string): { session: SessionRecord | null; account: AccountRecord | null } {
    // Read synchronously (no await between the halves): both come from one instant.
    const s = this.#liveSessions(accountId, false)?.get(sessionId)
    const a = this.#accounts.get(accountId)
    // Shared frozen records (see parseFrozen): the stored text is the memo's key, so a hot
    // session costs two map lookups and no parse.
    return {
      session: s ? parseFrozen<SessionRecord>(s.json) : null,
      account: a === undefined ? null : parseFrozen<AccountRecord>(a),
    }
  }

  async listSessions(accountId: string): Promise<SessionRecord[]> {
    const live = this.#liveSessions(accountId, false)
    if (!live) return []
    return sortedIds(live).map((id) => JSON.parse(live.get(id)!.json) as SessionRecord)
  }

  async replaceSession(session: SessionRecord, ttlMs: number): Promise<boolean> {
    this.#wrote()
    const live = this.#liveSessions(session.accountId, false)
    if (!live?.has(session.id)) return false
    live.set(session.id, { json: JSON.stringify(session), expiresAtMs: deadline(ttlMs), createdAt: session.createdAt })
    return true
  }

  async deleteSession(accountId: string, sessionId: string): Promise<boolean> {
    this.#wrote()
    return this.#liveSessions(accountId, false)?.delete(sessionId) ?? false
  }

  async deleteSessions(accountId: string, exceptId?: string): Promise<string[]> {
    this.#wrote()
    const live = this.#liveSessions(accountId, false)
    if (!live) return []
    const deleted = sortedIds(live).filter((id) => id !== exceptId)
    for (const id of deleted) live.delete(id)
    return deleted
  }

  async putToken(token: TokenRecord, ttlMs: number, options: PutTokenOptions = {}): Promise<void> {
    this.#wrote()
    const bag = this.#tokenBag(token.accountId, true)
    // Mirrors RedisStore: the bag lives until its latest token's ttl; expired tokens go on write.
    bag.expiresAtMs = Math.max(bag.expiresAtMs, deadline(ttlMs))
    pruneExpired(bag, token.createdAt)
    const keep = options.keepSameKind ?? (options.replaceSameKind ? 0 : Infinity)
    if (keep !== Infinity) {
      // Mirrors PUT_TOKEN: the newest `keep` stay, by createdAt then id.
      const same: Array<[number, string]> = []
      for (const [id, t] of bag.tokens) {
        const parsed = JSON.parse(t.json) as TokenRecord
        if (parsed.kind === token.kind) same.push([parsed.createdAt, id])
      }
      same.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      for (const [, id] of same.slice(0, Math.max(0, same.length - keep))) bag.tokens.delete(id)
    }
    bag.tokens.set(token.id, { json: JSON.stringify(token), failures: token.failures })
  }

  async consumeToken(accountId: string, q: ConsumeQuery): Promise<TokenRecord | null> {
    this.#wrote()
    const bag = this.#tokenBag(accountId, false)
    if (!bag) return null
    const kinds = new Set(q.kinds)
    // Only tokens that count misses (6-digit codes) are candidates for a failure.
    const candidates: Array<{ id: string; max: number }> = []
    for (const [id, stored] of bag.tokens) {
      const t = JSON.parse(stored.json) as TokenRecord
      if (t.expiresAt <= q.now || (t.maxFailures > 0 && stored.failures >= t.maxFailures)) {
        bag.tokens.delete(id)
      } else if (matches(id, t.kind, q, kinds)) {
        if (t.secretHash === q.secretHash) {
          bag.tokens.delete(id)
          return { ...t, failures: stored.failures }
        }
        if (t.maxFailures > 0) candidates.push({ id, max: t.maxFailures })
      }
    }
    for (const { id, max } of candidates) {
      const stored = bag.tokens.get(id)!
      stored.failures++
      if (stored.failures >= max) bag.tokens.delete(id)
    }
    return null
  }

  async deleteTokens(accountId: string, kinds?: string[]): Promise<number> {
    this.#wrote()
    const bag = this.#tokenBag(accountId, false)
    if (!bag) return 0
    let n = 0
    for (const [id, stored] of bag.tokens) {
      if (!kinds || kinds.includes((JSON.parse(stored.json) as TokenRecord).kind)) {
        bag.tokens.delete(id)
        n++
      }
    }
    return n
  }

  async insertIdentity(identity: IdentityRecord) {
    this.#wrote()
    return this.#identities.insert(identity, this.#accounts.has(identity.accountId))
  }

  async findIdentityOwner(provider: string, providerUid: string) { return this.#identities.findOwner(provider, providerUid) }
  async listIdentities(accountId: string) { return this.#identities.list(accountId) }
  async findIdentity(identityId: string): Promise<IdentityRecord | null> {
    return this.#identities.find(identityId)
  }

  async queryIdentities(query: IdentityQuery): Promise<IdentityPage | null> { return this.#identities.query(query) }
  async getIdentity(accountId: string, identityId: string) { return this.#identities.get(accountId, identityId) }
  async replaceIdentity(identity: IdentityRecord) { this.#wrote(); return this.#identities.replace(identity) }
  async deleteIdentity(accountId: string, identityId: string) { this.#wrote(); return this.#identities.delete(accountId, identityId) }

  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    this.#wrote()
    this.#once.set(key, { json: value, expiresAtMs: deadline(ttlMs) })
  }

  async takeOnce(key: string): Promise<string | null> {
    this.#wrote()
    const v = this.#once.get(key)
    this.#once.delete(key)
    return v && v.expiresAtMs > Date.now() ? v.json : null
  }

  async hit(key: string, windowSeconds: number): Promise<HitResult> {
    this.#wrote()
    const now = Date.now()
    let h = this.#hits.get(key)
    if (!h || h.resetAt <= now) {
      h = { count: 0, resetAt: now + Math.max(1, Math.round(windowSeconds * 1000)) }
      this.#hits.set(key, h)
    }
    h.count++
    return { count: h.count, resetMs: h.resetAt - now }
  }

  async peekHits(key: string): Promise<HitResult> {
    const h = this.#hits.get(key)
    const now = Date.now()
    return h && h.resetAt > now ? { count: h.count, resetMs: h.resetAt - now } : { count: 0, resetMs: 0 }
  }

  async resetHits(key: string): Promise<void> {
    this.#hits.delete(key)
  }

  async close(): Promise<void> {}

  #liveSessions(accountId: string, create: true): Map<string, StoredSession>
  #liveSessions(accountId: string, create: false): Map<string, StoredSession> | undefined
  #liveSessions(accountId: string, create: boolean): Map<string, StoredSession> | undefined {
    let live = this.#sessions.get(accountId)
    if (!live && create) this.#sessions.set(accountId, (live = new Map()))
    const now = Date.now()
    if (live) for (const [id, s] of live) if (s.expiresAtMs <= now) live.delete(id)
    return live
  }

  #tokenBag(accountId: string, create: true): TokenBag
  #tokenBag(accountId: string, create: false): TokenBag | undefined
  #tokenBag(accountId: string, create: boolean): TokenBag | undefined {
    let bag = this.#tokens.get(accountId)
    if (bag && bag.expiresAtMs <= Date.now()) {
      this.#tokens.delete(accountId)
      bag = undefined
    }
    if (!bag && create) this.#tokens.set(accountId, (bag = { expiresAtMs: 0, tokens: new Map() }))
    return bag
  }

  /** Lazy expiry only runs for keys that are touched again; this sweeps the rest now and then. */
  #wrote(): void {
    if (++this.#writes % SWEEP_EVERY !== 0) return
    const now = Date.now()
    for (const [id, live] of this.#sessions) {
      for (const [sid, s] of live) if (s.expiresAtMs <= now) live.delete(sid)
      if (live.size === 0) this.#sessions.delete(id)
    }
    for (const [id, bag] of this.#tokens) if (bag.expiresAtMs <= now) this.#tokens.delete(id)
    for (const [key, h] of this.#hits) if (h.resetAt <= now) this.#hits.delete(key)
    for (const [key, v] of this.#once) if (v.expiresAtMs <= now) this.#once.delete(key)
  }
}

/** Oldest first; ties broken by id, which is also Redis' ZSET order for equal scores. */
function sortedIds(live: Map<string, StoredSession>): string[] {
  return [...live.keys()].sort((a, b) => live.get(a)!.createdAt - live.get(b)!.createdAt || (a < b ? -1 : a > b ? 1 : 0))
}

function pruneExpired(bag: TokenBag, now: number): void {
  for (const [id, stored] of bag.tokens) {
    if ((JSON.parse(stored.json) as TokenRecord).expiresAt <= now) bag.tokens.delete(id)
  }
}

/** See `ConsumeQuery`: with an id, `kinds` narrows further only when non-empty. */
function matches(id: string, kind: string, q: ConsumeQuery, kinds: Set<string>): boolean {
  if (q.id && id !== q.id) return false
  return kinds.has(kind) || (!!q.id && kinds.size === 0)
}
