import type {
  AccountRecord, ConsumeQuery, HitResult, IdentityRecord, InsertResult, ReplaceResult, SessionRecord,
  Store, TokenRecord, UniqueField,
  PutTokenOptions, AppendLogOptions, LogLane, LogRecord,
} from './store.js'
import { newestFirst } from './memory-logs.js'
import * as lua from './redis-scripts.js'
import { insertWithClaims, parseClaim, replaceWithClaims } from './redis-claims.js'
import type { ClaimDeps } from './redis-claims.js'
import { RedisIdentities } from './redis-identities.js'
import { RedisAccountIndex } from './redis-account-index.js'
import { RedisIdentityIndex } from './redis-identity-index.js'
import type { AccountPage, AccountQuery, IdentityPage, IdentityQuery } from './store.js'
import { parse, RedisConnection, str } from './redis-connection.js'
import { parseFrozenAt } from './frozen-record.js'
import type { RedisStoreClient } from './redis-connection.js'
import { READ_SESSION_FOR_CACHE, SessionCache, type ClientSideCacheOptions } from './redis-session-cache.js'
import { notReady } from './redis-ready.js'
import { optionError } from '../option-errors.js'

export type { RedisStoreClient } from './redis-connection.js'
export type { ClientSideCacheOptions } from './redis-session-cache.js'

/** Options of `new RedisStore()`: exactly one of `client` / `url`. */
export interface RedisStoreOptions {
  /**
   * Your node-redis client or cluster (`createClient()` / `createCluster()`), already
   * connected: the store never connects, closes or listens to it. Use the default type
   * mapping (replies as strings). Exactly one of `client` / `url`.
   */
  client?: RedisStoreClient | undefined
  /**
   * A Redis URL (`redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS). The store
   * creates its own client, connects it on first use and closes it in `close()`. For any other
   * connection option, create the client yourself and pass `client`. Exactly one of `client` / `url`.
   */
  url?: string | undefined
  /** Prepended to every key. Default `'acc:'`. Must not contain `{` or `}` (they'd break Cluster hash tags). */
  prefix?: string | undefined
  /**
   * Opt-in: keep hot sessions in this process so `requireSession()` costs no Redis round trip
   * on a hit, revocation-correct through Redis' server-assisted client-side caching (RESP3
   * `CLIENT TRACKING` BCAST, one extra connection per master, Redis ≥ 6). A session this
   * process deletes (or whose account it changes) is refused at once; one deleted elsewhere as
   * soon as the invalidation push arrives (typically < 1 ms on a LAN); a lost or silent
   * connection drops the whole cache within `leaseMs`. `true` = the defaults. See
   * docs/performance.md for the guarantee. Default: off.
   */
  clientSideCache?: boolean | ClientSideCacheOptions | undefined
}

const FIELDS: readonly UniqueField[] = ['email', 'phone']
const LOG_LANES: readonly LogLane[] = ['account', 'stranger', 'impersonation']

/** The hot read's records from their texts: the shared frozen parse, found by key (parseFrozenAt). */
function records(sKey: string, aKey: string, s: unknown, a: unknown): { session: SessionRecord | null; account: AccountRecord | null } {
  const sText = str(s)
  const aText = str(a)
  return { session: sText === null ? null : parseFrozenAt<SessionRecord>(sKey, sText), account: aText === null ? null : parseFrozenAt<AccountRecord>(aKey, aText) }
}

/** Lifetimes in whole positive ms: Redis rejects PX 0 and fractions. */
const ms = (n: number): string => String(Math.max(1, Math.ceil(n)))
/** Escapes `{`, `}` (and `%`) in ids so an id can't end the hash tag early or forge another account's keys. */
const ESCAPED = /[%{}]/
const esc = (id: string): string => (ESCAPED.test(id) ? id.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : id)

/**
 * The production store: Redis or Redis Cluster through node-redis.
 *
 * Everything one account owns lives under the hash tag `{a:<id>}`, so its scripts and the
 * `requireSession()` read (one `MGET`) stay on one slot. Email / phone claims live in other
 * slots and are kept consistent by `redis-claims.ts`. Keys, under `prefix` P:
 * - `P{a:<id>}:account` account JSON; `:sessions` ZSET of session ids by createdAt;
 *   `:s:<sessionId>` session JSON (PX ttl); `:tokens` HASH of tokens; `:lock` lock of a write that claims an email / phone (insert, change);
 *   `:identities` HASH of OAuth2 identities, `:identity-revs` their write counts (see `redis-identities.ts`); `:log`, `:log:stranger`, `:log:impersonation`
 *   security-log lanes, LISTs of `<time>:<json>`, newest first (PX maxAge, trimmed on append)
 * - `Pu:email:<email>`, `Pu:phone:<phone>` uniqueness claims `{"id","at","n"}`;
 *   `Pu:identity:<provider>:<sha256(providerUid)>` identity claims `{"id","identity","at","n"}`;
 *   `Pu:identity-id:<sha256(identityId)>` which account holds an identity id `{"id","identity"}`
 * - `Po:<key>` single-use values (`putOnce` / `takeOnce`; GETDEL needs Redis >= 6.2)
 * - `Prl:<key>` fixed-window counters
 * - `P{ix}:…` the listing indexes of accounts and of identities (`redis-account-index.ts`,
 *   `redis-identity-index.ts`), in one slot, each written right after the record it indexes
 */
export class RedisStore implements Store {
  readonly #conn: RedisConnection
  readonly #prefix: string
  readonly #claims: ClaimDeps
  readonly #identities: RedisIdentities
  readonly #index: RedisAccountIndex
  readonly #identityIndex: RedisIdentityIndex
  readonly #cache: SessionCache | null
  readonly #url: string | undefined

  constructor(options: RedisStoreOptions) {
    const { client, url, prefix = 'acc:', clientSideCache } = options ?? {}
    if ((client == null) === (url == null)) throw optionError(options, 'RedisStore: pass exactly one of options.client or options.url')
    if (url != null && (typeof url !== 'string' || url === '')) throw optionError(options, 'RedisStore: options.url must be a non-empty redis:// or rediss:// URL')
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw optionError(options, 'RedisStore: options.prefix must be a string without `{` or `}`')
    }
    this.#prefix = prefix
    this.#url = url ?? undefined
    this.#conn = new RedisConnection(client, url)
    const conn = this.#conn
    this.#claims = {
      get: async (key) => str(await (await conn.cmd()).get(key)),
      setNx: async (key, value, ttlMs) => (await (await conn.cmd()).set(key, value,
        ttlMs ? { condition: 'NX', expiration: { type: 'PX', value: ttlMs } } : { condition: 'NX' })) != null,
      run: (script, keys, args) => conn.run(script, keys, args),
      claimKey: (field, value) => `${prefix}u:${field}:${value}`,
      lockKey: (id) => this.#key(id, 'lock'),
      getAccount: (id) => this.getAccount(id),
      ownerState: async (id) => {
        // Same hash tag: one MGET reads both at one instant, on Cluster too.
        const [a, lock] = await (await conn.cmd()).mGet([this.#key(id, 'account'), this.#key(id, 'lock')])
        return { account: parse<AccountRecord>(a), locked: lock != null }
      },
      compareAndSet: (next, expected, lock) => this.#compareAndSet(next, expected, lock),
      writeNew: async (account, lock) => {
        const r = str(await conn.run(lua.INSERT_ACCOUNT, [this.#key(account.id, 'account'), this.#key(account.id, 'lock')],
          [JSON.stringify(account), lock]))
        return r === 'ok' || r === 'id' ? r : 'expired'
      },
    }
    this.#identityIndex = new RedisIdentityIndex(conn, prefix, () => this.reindexAccounts())
    this.#identities = new RedisIdentities(conn, this.#claims, prefix, (id, suffix) => this.#key(id, suffix), this.#identityIndex)
    // A rebuild of the account index walks every account: it indexes their identities on the way.
    this.#index = new RedisAccountIndex(conn, prefix, (id) => this.#key(id, 'account'), {
      account: (a) => this.#identities.reindex(a.id),
      done: () => this.#identityIndex.built(),
    })
    if (clientSideCache !== undefined && typeof clientSideCache !== 'boolean' && (typeof clientSideCache !== 'object' || clientSideCache === null)) {
      throw new TypeError('RedisStore: `clientSideCache` must be a boolean or an object')
    }
    this.#cache = clientSideCache ? new SessionCache(client, url, prefix, clientSideCache === true ? {} : clientSideCache) : null
  }

  /** Sessions the client-side cache holds now (0 without the cache). */
  get cachedSessions(): number {
    return this.#cache?.size ?? 0
  }

  /**
   * Resolves true once the client-side cache serves hits (its tracking connections are up and
   * armed), false after `timeoutMs` or without the cache. Optional: until then reads just go to
   * Redis. For a warm start or a test.
   */
  clientSideCacheReady(timeoutMs = 5000): Promise<boolean> {
    return this.#cache ? this.#cache.ready(timeoutMs) : Promise.resolve(false)
  }

  /** After a write to the account's keys settles (done or not): this process stops serving its cached sessions. */
  async #forgetting<T>(accountId: string, write: Promise<T>): Promise<T> {
    if (!this.#cache) return write
    try {
      return await write
    } finally {
      this.#cache.forget(esc(accountId))
    }
  }

  // ── accounts ────────────────────────────────────────────────────────────
  async insertAccount(account: AccountRecord): Promise<InsertResult> {
    const c = await this.#conn.cmd()
    // Checked first only so a duplicate id reports 'id' rather than its own email; the insert script decides.
    if (await c.exists(this.#key(account.id, 'account'))) return { ok: false, conflict: 'id' }
    const r = await this.#forgetting(account.id, insertWithClaims(this.#claims, account))
    // The index lives in another slot (docs/queries.md): written right after, never before, the account.
    if (r.ok) await this.#index.put(account)
    return r
  }

  async getAccount(id: string): Promise<AccountRecord | null> {
    return parse<AccountRecord>(await (await this.#conn.cmd()).get(this.#key(id, 'account')))
  }

  async findAccountId(field: UniqueField, value: string): Promise<string | null> {
    if (!value) return null
    const claim = parseClaim(await this.#claims.get(this.#claims.claimKey(field, value)))
    if (!claim) return null
    const owner = await this.getAccount(claim.id)
    return owner && owner[field] === value ? claim.id : null
  }

  async replaceAccount(next: AccountRecord, expectedRev: number): Promise<ReplaceResult> {
    if (next.rev !== expectedRev + 1) throw new TypeError('replaceAccount: next.rev must be expectedRev + 1')
    // `rev` is checked here, in JS; the script then only compares the exact JSON (see REPLACE_ACCOUNT).
    const raw = str(await (await this.#conn.cmd()).get(this.#key(next.id, 'account')))
    const cur = parse<AccountRecord>(raw)
    if (raw === null || !cur) return { ok: false, conflict: 'missing' }
    if (cur.rev !== expectedRev) return { ok: false, conflict: 'stale' }
    const changed = FIELDS.filter((f) => cur[f] !== next[f])
    const r = changed.length === 0 ? await this.#forgetting(next.id, this.#compareAndSet(next, raw, ''))
      : await this.#forgetting(next.id, replaceWithClaims(this.#claims, { record: cur, raw }, next, changed))
    if (r.ok) await this.#index.put(next)
    return r
  }

  async deleteAccount(id: string): Promise<boolean> {
    const keys = [this.#key(id, 'account'), this.#key(id, 'sessions'), this.#key(id, 'tokens'), this.#key(id, 'lock'),
      this.#key(id, 'identities'), ...LOG_LANES.map((lane) => this.#logKey(id, lane)), this.#key(id, 'identity-revs')]
    const [acc, ...identities] = (await this.#forgetting(id, this.#conn.run(lua.DELETE_ACCOUNT, keys, [this.#key(id, 's:')]))) as unknown[]
    const old = str(acc) ? parse<AccountRecord>(acc) : null
    if (old) await this.#index.remove(old)
    // Claims live in other slots; a claim that no longer names this account isn't ours to drop.
    await Promise.all([
      ...FIELDS.filter((f) => old?.[f]).map((f) => this.#conn.run(lua.RELEASE_OWNED_CLAIM, [this.#claims.claimKey(f, old![f])], [id])),
      this.#identities.releaseDeleted(id, identities),
    ])
    return old !== null
  }

  async queryAccounts(query: AccountQuery): Promise<AccountPage | null> {
    const found = await this.#index.query(query)
    if (!found) return null
    const cmd = await this.#conn.cmd()
    // Separate GETs (accounts sit in different Cluster slots); node-redis pipelines them.
    const records = await Promise.all(found.ids.map((id) => cmd.get(this.#key(id, 'account'))))
    // An account deleted since the index was read is left out of the page.
    const accounts = records.map((v) => parse<AccountRecord>(v)).filter((a): a is AccountRecord => a !== null)
    return { total: found.total, accounts }
  }

  /**
   * Indexes every stored account and its identities for listings: records written before
   * listings existed (done by itself before the first listing of a store that never had the
   * index), or one whose index write was lost with a process that died right after writing it
   * (docs/queries.md). It also gives identities stored before `findIdentity` existed the id
   * pointer it reads (`DELETE /users/identities/:id`). Walks the keyspace once (every master of
   * a Cluster); safe while the store is in use. Returns how many accounts it saw.
   */
  reindexAccounts(): Promise<number> {
    return this.#index.rebuild()
  }

  // ── security log ────────────────────────────────────────────────────────
  async appendLog(entry: LogRecord, o: AppendLogOptions): Promise<boolean> {
    // `<time>:` in front lets the script trim by age without decoding JSON (see APPEND_LOG).
    const args = [`${Math.max(0, Math.floor(entry.time))}:${JSON.stringify(entry)}`, String(Math.max(0, Math.floor(o.maxEntries))),
      String(o.now - o.maxAgeMs), ms(o.maxAgeMs)]
    return Number(await this.#conn.run(lua.APPEND_LOG, [this.#key(entry.accountId, 'account'), this.#logKey(entry.accountId, o.lane)], args)) === 1
  }

  async listLogs(accountId: string, o: { now: number; maxAgeMs: number }): Promise<LogRecord[]> {
    const lanes = (await this.#conn.run(lua.LIST_LOGS, LOG_LANES.map((lane) => this.#logKey(accountId, lane)), [])) as unknown[][]
    const cutoff = o.now - o.maxAgeMs
    // Each list is newest first; newestFirst() wants oldest first per lane.
    const entries = lanes.map((lane) => lane.map((v) => parse<LogRecord>(String(v).slice(String(v).indexOf(':') + 1))!)
      .filter((e) => e.time >= cutoff).reverse())
    return newestFirst(entries)
  }

  // ── sessions ────────────────────────────────────────────────────────────
  async createSession(session: SessionRecord, opts: { maxSessions: number; ttlMs: number }): Promise<string[]> {
    const a = session.accountId
    const args = [session.id, JSON.stringify(session), ms(opts.ttlMs), String(session.createdAt),
      String(Math.max(0, Math.floor(opts.maxSessions))), this.#key(a, 's:')]
    return ((await this.#forgetting(a, this.#conn.run(lua.CREATE_SESSION, [this.#key(a, 'sessions'), this.#key(a, `s:${session.id}`)], args))) as unknown[])
      .map((v) => str(v)!)
  }

  async getSession(accountId: string, sessionId: string): Promise<SessionRecord | null> {
    return parse<SessionRecord>(await (await this.#conn.cmd()).get(this.#key(accountId, `s:${sessionId}`)))
  }

  getSessionWithAccount(accountId: string, sessionId: string): Promise<{ session: SessionRecord | null; account: AccountRecord | null }> {
    const sKey = this.#key(accountId, `s:${sessionId}`)
    const aKey = this.#key(accountId, 'account')
    // One round trip: both keys share the account's hash tag, so one MGET serves them on Cluster
    // too. The records are the shared frozen parse of their text, found by their key
    // (parseFrozenAt): the same text is parsed once, and a reply's new string is compared, not
    // hashed. (`then` chains rather than async functions: fewer promises on the hot path.)
    if (!this.#cache) return this.#conn.hotMGet([sKey, aKey]).then((r) => records(sKey, aKey, r[0], r[1]))
    // With the cache, a hit is JSON kept from an earlier read.
    const read = (): Promise<[unknown, unknown]> => this.#conn.hotMGet([sKey, aKey]).then((r) => [r[0], r[1]])
    return this.#cache.get(esc(accountId), sessionId, read, async () => {
      const r = (await this.#conn.run(READ_SESSION_FOR_CACHE, [sKey, aKey], [])) as unknown[]
      return [r[0], r[1], Number(r[2])]
    }).then(([s, a]) => records(sKey, aKey, s, a))
  }

  /**
   * A client-side cache hit, synchronously (see Store.peekSessionWithAccount); undefined
   * without the cache, on a miss, or when a subclass replaced `getSessionWithAccount`.
   */
  peekSessionWithAccount(accountId: string, sessionId: string): { session: SessionRecord | null; account: AccountRecord | null } | undefined {
    if (this.getSessionWithAccount !== RedisStore.prototype.getSessionWithAccount) return undefined
    return this.#cache?.peekAs(esc(accountId), sessionId, this.#hitRecords)
  }

  /**
   * A cache hit's records, made once per cache entry (SessionCache.peekAs) and shared by every
   * hit on it, hence frozen, wrapper and all (the records already are, see parseFrozenAt).
   */
  readonly #hitRecords = (tag: string, sessionId: string, s: string, a: string) =>
    Object.freeze(records(this.#tagKey(tag, `s:${sessionId}`), this.#tagKey(tag, 'account'), s, a))

  async listSessions(accountId: string): Promise<SessionRecord[]> {
    const list = (await this.#conn.run(lua.LIST_SESSIONS, [this.#key(accountId, 'sessions')], [this.#key(accountId, 's:')])) as unknown[]
    return list.map((v) => parse<SessionRecord>(v)!)
  }

  async replaceSession(session: SessionRecord, ttlMs: number): Promise<boolean> {
    const a = session.accountId
    const keys = [this.#key(a, 'sessions'), this.#key(a, `s:${session.id}`)]
    return (await this.#forgetting(a, this.#conn.run(lua.REPLACE_SESSION, keys, [JSON.stringify(session), ms(ttlMs), String(session.createdAt), session.id]))) === 1
  }

  async deleteSession(accountId: string, sessionId: string): Promise<boolean> {
    const keys = [this.#key(accountId, 'sessions'), this.#key(accountId, `s:${sessionId}`)]
    return (await this.#forgetting(accountId, this.#conn.run(lua.DELETE_SESSION, keys, [sessionId]))) === 1
  }

  async deleteSessions(accountId: string, exceptId?: string): Promise<string[]> {
    const ids = await this.#forgetting(accountId, this.#conn.run(lua.DELETE_SESSIONS, [this.#key(accountId, 'sessions')], [this.#key(accountId, 's:'), exceptId ?? '']))
    return (ids as unknown[]).map((v) => str(v)!)
  }

  // ── tokens ──────────────────────────────────────────────────────────────
  async putToken(token: TokenRecord, ttlMs: number, options: PutTokenOptions = {}): Promise<void> {
    const args = [token.id, JSON.stringify(token), String(token.failures), ms(ttlMs), String(token.createdAt), ...sameKind(token.kind, options)]
    await this.#conn.run(lua.PUT_TOKEN, [this.#key(token.accountId, 'tokens')], args)
  }

  async consumeToken(accountId: string, q: ConsumeQuery): Promise<TokenRecord | null> {
    const args = [q.id ?? '', q.secretHash, String(q.now), ...q.kinds]
    const r = (await this.#conn.run(lua.CONSUME_TOKEN, [this.#key(accountId, 'tokens')], args)) as unknown[] | null
    return r ? { ...parse<TokenRecord>(r[0])!, failures: Number(r[1]) } : null
  }

  async deleteTokens(accountId: string, kinds?: string[]): Promise<number> {
    if (kinds && kinds.length === 0) return 0 // the script reads "no kinds" as "all kinds"
    return Number(await this.#conn.run(lua.DELETE_TOKENS, [this.#key(accountId, 'tokens')], kinds ?? []))
  }

  // ── identities ──────────────────────────────────────────────────────────
  insertIdentity(identity: IdentityRecord) { return this.#identities.insert(identity) }
  findIdentityOwner(provider: string, providerUid: string) { return this.#identities.findOwner(provider, providerUid) }
  listIdentities(accountId: string) { return this.#identities.list(accountId) }
  getIdentity(accountId: string, identityId: string) { return this.#identities.get(accountId, identityId) }
  findIdentity(identityId: string) { return this.#identities.find(identityId) }

  async queryIdentities(query: IdentityQuery): Promise<IdentityPage | null> {
    const found = await this.#identityIndex.query(query)
    if (!found) return null
    // One HGET per identity, in its account's slot; node-redis pipelines them.
    const records = await Promise.all(found.hits.map((h) => this.#identities.get(h.accountId, h.id)))
    // An identity deleted since the index was read is left out of the page.
    return { total: found.total, identities: records.filter((i): i is IdentityRecord => i !== null) }
  }
  replaceIdentity(identity: IdentityRecord) { return this.#identities.replace(identity) }
  deleteIdentity(accountId: string, identityId: string) { return this.#identities.delete(accountId, identityId) }

  // ── single-use values ───────────────────────────────────────────────────
  async putOnce(key: string, value: string, ttlMs: number): Promise<void> {
    await (await this.#conn.cmd()).set(`${this.#prefix}o:${key}`, value, { expiration: { type: 'PX', value: Number(ms(ttlMs)) } })
  }

  async takeOnce(key: string): Promise<string | null> {
    return str(await (await this.#conn.cmd()).getDel(`${this.#prefix}o:${key}`))
  }

  // ── counters ────────────────────────────────────────────────────────────
  async hit(key: string, windowSeconds: number): Promise<HitResult> {
    const [count, resetMs] = (await this.#conn.run(lua.HIT, [`${this.#prefix}rl:${key}`], [ms(windowSeconds * 1000)])) as unknown[]
    return { count: Number(count), resetMs: Number(resetMs) }
  }

  async resetHits(key: string): Promise<void> {
    await (await this.#conn.cmd()).del(`${this.#prefix}rl:${key}`)
  }

  async peekHits(key: string): Promise<HitResult> {
    const [count, resetMs] = (await this.#conn.run(lua.PEEK_HITS, [`${this.#prefix}rl:${key}`], [])) as unknown[]
    return { count: Number(count), resetMs: Number(resetMs) }
  }

  /**
   * Checks that Redis answers, for a boot that fails loudly: connects the store's own client
   * (with `url`; otherwise the first request would) and makes one round trip. Rejects with
   * `503 store_unavailable` whose message names the URL (password redacted) and the reason:
   * `RedisStore: cannot reach Redis at redis://:***@db:6379: connect ECONNREFUSED …`. With a
   * client you passed, it checks that the client is connected and answers. Without this call
   * the store connects lazily, and a wrong URL shows only as `503`s on requests. On failure the
   * store's own client keeps retrying in the background: `close()` it if you give up.
   */
  async ready(): Promise<void> {
    try {
      await (await this.#conn.cmd()).exists(`${this.#prefix}ready`)
    } catch (err) {
      throw notReady(err, this.#url)
    }
  }

  /** Closes the client the store created from `url`; a client you passed in is left to you. */
  async close(): Promise<void> {
    await this.#cache?.close()
    await this.#conn.close()
  }

  // ── internals ───────────────────────────────────────────────────────────
  #logKey(accountId: string, lane: LogLane): string {
    return this.#key(accountId, lane === 'account' ? 'log' : `log:${lane}`)
  }

  #key(accountId: string, suffix: string): string {
    return this.#tagKey(esc(accountId), suffix)
  }

  /** {@link #key} of an account id already escaped (a cache tag). */
  #tagKey(tag: string, suffix: string): string {
    return `${this.#prefix}{a:${tag}}:${suffix}`
  }

  async #compareAndSet(next: AccountRecord, expected: string, lock: string): Promise<ReplaceResult> {
    const keys = [this.#key(next.id, 'account'), this.#key(next.id, 'lock')]
    const r = str(await this.#conn.run(lua.REPLACE_ACCOUNT, keys, [expected, JSON.stringify(next), lock]))
    return r === 'ok' ? { ok: true } : { ok: false, conflict: r === 'missing' ? 'missing' : 'stale' }
  }
}

/** PUT_TOKEN's ARGV[6..7]: the kind whose earlier tokens are bounded ('' = none) and how many stay. */
function sameKind(kind: string, options: PutTokenOptions): [string, string] {
  if (options.keepSameKind !== undefined) return [kind, String(options.keepSameKind)]
  return options.replaceSameKind ? [kind, '0'] : ['', '0']
}
