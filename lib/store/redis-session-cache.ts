import { createClient } from 'redis'
import type { RedisStoreClient } from './redis-connection.js'

/** `RedisStore`'s `clientSideCache` option: keep hot sessions in this process, revocation-correct. */
export interface ClientSideCacheOptions {
  /** Most sessions kept (the oldest not hit lately goes first). Default 10,000; at least 1. */
  maxEntries?: number
  /**
   * Longest a hit may rely on an unconfirmed invalidation stream, ms. Every node is PINGed on
   * the tracking connection four times per lease; a PONG proves every invalidation sent before
   * its PING has arrived. A hit is served only while the last round of PONGs answered PINGs sent
   * less than `leaseMs` ago, so a silent network partition or a paused Redis stops hits within
   * `leaseMs` (requests then go to Redis and fail or time out there). Default 1000; at least 20.
   */
  leaseMs?: number
}

export const CLIENT_SIDE_CACHE_DEFAULTS: Required<ClientSideCacheOptions> = { maxEntries: 10_000, leaseMs: 1000 }

/** Wait after a failed start before the next attempt, ms. */
const RETRY_MS = 1000

type Reply = [unknown, unknown]
/** What a miss reads: the session and account JSON, and the session key's PTTL (ms; < 0: none). */
export type MissReply = [unknown, unknown, number]

/**
 * A miss's read, one script on one slot (both keys share the account's hash tag): the pair
 * `requireSession()` needs, plus how long Redis keeps the session, so a hit never outlives
 * the record's TTL even before Redis gets round to deleting it (and pushing the invalidation).
 */
export const READ_SESSION_FOR_CACHE = `
local v = redis.call('MGET', KEYS[1], KEYS[2])
return {v[1], v[2], redis.call('PTTL', KEYS[1])}
`

interface Entry {
  tag: string
  sessionId: string
  session: string
  account: string
  /** `performance.now()` at which the session's Redis TTL runs out. */
  until: number
  /** Hit since it was put or last passed over by eviction (see `#put`). */
  used: boolean
  /** What `madeBy` made of `session` and `account` (see `peekAs`). */
  made: unknown
  madeBy: MakeFn<unknown> | undefined
}

/** What a store makes of a hit's texts (see `SessionCache.peekAs`). */
export type MakeFn<T> = (tag: string, sessionId: string, session: string, account: string) => T

/** A read on its way to Redis; an invalidation of its session or account meanwhile makes its answer uncacheable. */
interface Pending {
  sessionId: string
  dead: boolean
}

// biome-ignore lint/suspicious/noExplicitAny: node-redis' client generics differ per modules/RESP; only these members are used.
type TrackingClient = any

interface Tracker {
  client: TrackingClient
  /** `CLIENT TRACKING ON BCAST` is in force on this connection since its last (re)connect. */
  armed: boolean
}

/**
 * Sessions (with their accounts) kept in this process, invalidated by Redis' server-assisted
 * client-side caching (`CLIENT TRACKING ... BCAST PREFIX <prefix>{a:` on a RESP3 connection per
 * master): every write to any account's keys anywhere reaches every process as a push.
 *
 * Correctness rests on four rules:
 * 1. Nothing is cached or served unless every node's tracking is armed and the lease (see
 *    `leaseMs`) is fresh; a tracking connection's error or end drops the whole cache.
 * 2. A read that was on its way while its account was invalidated (a push, or a write by this
 *    process) is not cached: its answer may predate the write.
 * 3. This process' own writes drop the account's entries as soon as they settle, without
 *    waiting for their push: the process that revokes refuses the session at once.
 * 4. Only found sessions are cached: a guessed value never fills (or evicts from) the cache.
 */
export class SessionCache {
  readonly #prefix: string
  readonly #maxEntries: number
  readonly #leaseMs: number
  readonly #source: RedisStoreClient | undefined
  readonly #url: string | undefined
  /** Oldest first (eviction takes the first one not hit since it last passed, see `#put`). */
  readonly #entries = new Set<Entry>()
  /**
   * The same entries by account tag, then session id: what a hit looks up. The tag and the id
   * come from the hot path's memos, the same strings request after request, so neither is
   * hashed again (a joined key would be a new string to hash on every request). At most one
   * entry per session: `#put` drops the earlier one.
   */
  readonly #byTag = new Map<string, Map<string, Entry>>()
  readonly #pending = new Map<string, Set<Pending>>()
  #trackers: Tracker[] = []
  /** `performance.now()` until which hits may be served. */
  #freshUntil = 0
  /** Bumped by every reset: a heartbeat or read begun before it can't vouch for after it. */
  #epoch = 0
  #pinging = false
  #timer: NodeJS.Timeout | undefined
  #closed = false
  #starting: Promise<void> | undefined
  /** No new start attempt before this `performance.now()`. */
  #retryAt = 0
  /** The Cluster's masters the trackers were made for. */
  #masters: string | null = null

  constructor(source: RedisStoreClient | undefined, url: string | undefined, prefix: string, options: ClientSideCacheOptions) {
    const { maxEntries = CLIENT_SIDE_CACHE_DEFAULTS.maxEntries, leaseMs = CLIENT_SIDE_CACHE_DEFAULTS.leaseMs } = options
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('RedisStore: `clientSideCache.maxEntries` must be an integer ≥ 1')
    if (!Number.isInteger(leaseMs) || leaseMs < 20) throw new TypeError('RedisStore: `clientSideCache.leaseMs` must be an integer ≥ 20')
    this.#source = source
    this.#url = url
    this.#prefix = prefix
    this.#maxEntries = maxEntries
    this.#leaseMs = leaseMs
  }

  /** Sessions held now. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * The `[session, account]` JSON pair for a session: from the cache on a fresh hit (no Redis
   * round trip), else from `read` (one round trip), cached when both halves exist.
   */
  async get(tag: string, sessionId: string, read: () => Promise<Reply>, readForCache: () => Promise<MissReply>): Promise<Reply> {
    const hit = this.peek(tag, sessionId)
    if (hit !== undefined) return hit
    if (!this.#usable()) return read()
    const epoch = this.#epoch
    const pending: Pending = { sessionId, dead: false }
    let set = this.#pending.get(tag)
    if (!set) this.#pending.set(tag, (set = new Set()))
    set.add(pending)
    const startedAt = performance.now()
    let reply: MissReply
    try {
      reply = await readForCache()
    } finally {
      set.delete(pending)
      if (set.size === 0 && this.#pending.get(tag) === set) this.#pending.delete(tag)
    }
    const [session, account, pttl] = reply
    if (!pending.dead && epoch === this.#epoch && this.#usable() && typeof session === 'string' && typeof account === 'string') {
      // Counted from before the read: the TTL was at least this when Redis answered.
      const until = pttl === -1 ? Number.POSITIVE_INFINITY : startedAt + Number(pttl)
      if (until > performance.now()) this.#put({ tag, sessionId, session, account, until, used: false, made: undefined, madeBy: undefined })
    }
    return [session, account]
  }

  /** A hit, synchronously, or undefined (a miss, or hits can't be served now); `get` serves hits through it. */
  peek(tag: string, sessionId: string): Reply | undefined {
    const hit = this.#hit(tag, sessionId)
    return hit === undefined ? undefined : [hit.session, hit.account]
  }

  /**
   * {@link peek}, answered with what `make` makes of the hit's texts, made once per entry and
   * kept with it: an entry's texts never change (a write drops the entry), so neither does what
   * is made of them, and a hot session is not parsed or even looked up by key again. What is made
   * is shared by every hit, so it must not be changed (freeze it). Meant for one `make` per cache
   * (its store's); another one makes anew.
   */
  peekAs<T>(tag: string, sessionId: string, make: MakeFn<T>): T | undefined {
    const hit = this.#hit(tag, sessionId)
    if (hit === undefined) return undefined
    if (hit.madeBy !== make) {
      hit.made = make(tag, sessionId, hit.session, hit.account)
      hit.madeBy = make
    }
    return hit.made as T
  }

  #hit(tag: string, sessionId: string): Entry | undefined {
    this.#start()
    const now = performance.now()
    if (!this.#usable(now)) return undefined
    const hit = this.#byTag.get(tag)?.get(sessionId)
    if (hit === undefined) return undefined
    if (now >= hit.until) {
      this.#drop(hit)
      return undefined
    }
    // A flag, not a move to the end of the map: eviction gives used entries a second chance.
    hit.used = true
    return hit
  }

  /** Resolves true once hits can be served (tracking armed on every node, lease fresh); false after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    this.#start()
    const deadline = performance.now() + timeoutMs
    while (!this.#usable()) {
      if (this.#closed || performance.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    return true
  }

  /**
   * The account's keys changed (or may have): its entries go now, and reads on their way
   * won't be cached. With `sessionId`, only that session's.
   */
  forget(tag: string, sessionId?: string): void {
    const pending = this.#pending.get(tag)
    if (pending) for (const p of pending) if (sessionId === undefined || p.sessionId === sessionId) p.dead = true
    const entries = this.#byTag.get(tag)
    if (!entries) return
    if (sessionId !== undefined) {
      const entry = entries.get(sessionId)
      if (entry) this.#drop(entry)
      return
    }
    for (const e of entries.values()) this.#entries.delete(e)
    this.#byTag.delete(tag)
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#reset()
    await this.#starting?.catch(() => undefined)
    await Promise.all(this.#trackers.map((t) => closeQuietly(t.client)))
    this.#trackers = []
  }

  // ── internals ───────────────────────────────────────────────────────────
  #usable(now = performance.now()): boolean {
    // A lapsed lease stops hits but keeps the entries: the connections did not fail (that
    // resets), so the next PONG arrives after every invalidation sent before its PING, which
    // makes what is left valid again as of that PING. Clearing here would turn an overloaded
    // event loop (late PONGs) into a storm of misses.
    if (this.#trackers.length === 0 || now >= this.#freshUntil) return false
    for (const t of this.#trackers) if (!t.armed) return false
    return true
  }

  #put(entry: Entry): void {
    // The session's earlier entry (two misses of one session filling at once) goes first.
    const earlier = this.#byTag.get(entry.tag)?.get(entry.sessionId)
    if (earlier) this.#drop(earlier)
    // Evicts the oldest entry not hit since it was put or last passed over (the CLOCK
    // approximation of LRU: a hit only sets a flag). A passed-over entry moves to the end with
    // its flag cleared, so each eviction ends within one lap of the set.
    while (this.#entries.size >= this.#maxEntries) {
      const first = this.#entries.values().next().value as Entry
      if (first.used) {
        first.used = false
        this.#entries.delete(first)
        this.#entries.add(first)
      } else this.#drop(first)
    }
    this.#entries.add(entry)
    let entries = this.#byTag.get(entry.tag)
    if (!entries) this.#byTag.set(entry.tag, (entries = new Map()))
    entries.set(entry.sessionId, entry)
  }

  #drop(entry: Entry): void {
    if (!this.#entries.delete(entry)) return
    const entries = this.#byTag.get(entry.tag)
    entries?.delete(entry.sessionId)
    if (entries?.size === 0) this.#byTag.delete(entry.tag)
  }

  /** Everything goes: entries, the lease, and the right of reads in flight to fill. */
  #reset(): void {
    this.#epoch++
    this.#freshUntil = 0
    this.#entries.clear()
    this.#byTag.clear()
    for (const set of this.#pending.values()) for (const p of set) p.dead = true
    this.#pending.clear()
  }

  /** A push from Redis: `key` changed (null: flush everything, e.g. the tracking table overflowed). */
  #invalidated(key: unknown): void {
    if (key == null) return this.#reset()
    const k = typeof key === 'string' ? key : String(key)
    const head = `${this.#prefix}{a:`
    if (!k.startsWith(head)) return
    const end = k.indexOf('}:', head.length)
    if (end < 0) return
    const tag = k.slice(head.length, end)
    const suffix = k.slice(end + 2)
    // Only the records a cached answer is made of matter: the account (all its sessions'
    // answers hold it) and the one session.
    if (suffix === 'account') this.forget(tag)
    else if (suffix.startsWith('s:')) this.forget(tag, suffix.slice(2))
  }

  #start(): void {
    if (this.#starting || this.#closed || performance.now() < this.#retryAt) return
    this.#starting = this.#connect().catch(async (err: unknown) => {
      // Redis unreachable at start (or the Cluster mid-change): reads go to Redis meanwhile;
      // the next read after RETRY_MS tries again.
      process.emitWarning(`RedisStore client-side cache not started: ${(err as Error)?.message ?? err}`, { code: 'EXPRESS_ACCOUNTS_REDIS_CACHE' })
      this.#reset()
      clearInterval(this.#timer)
      const failed = this.#trackers
      this.#trackers = []
      await Promise.all(failed.map((t) => closeQuietly(t.client)))
      this.#retryAt = performance.now() + RETRY_MS
      this.#starting = undefined
    })
  }

  async #connect(): Promise<void> {
    const overrides = { RESP: 3 as const, emitInvalidate: true, disableOfflineQueue: true, clientSideCache: undefined }
    const clients: TrackingClient[] = []
    const src = this.#source as unknown as TrackingClient
    this.#masters = masterAddresses(src)
    if (src && Array.isArray(src.masters)) {
      // Cluster: one tracking connection per master, each seeing the writes of its slots.
      for (const master of src.masters) clients.push((await src.nodeClient(master)).duplicate(overrides))
    } else if (src) {
      clients.push(src.duplicate(overrides))
    } else {
      clients.push(createClient({ url: this.#url, ...overrides }))
    }
    this.#trackers = clients.map((client) => ({ client, armed: false }))
    for (const t of this.#trackers) {
      t.client.on('invalidate', (key: unknown) => this.#invalidated(key))
      const down = () => {
        t.armed = false
        this.#reset()
      }
      t.client.on('error', down)
      t.client.on('end', down)
      t.client.on('ready', () => {
        void this.#arm(t)
      })
    }
    if (this.#closed) return
    // Before connecting: a connect node-redis keeps retrying resolves late, and the lease must
    // be renewed from the first 'ready' on.
    this.#timer = setInterval(() => this.#heartbeat(), Math.max(5, Math.floor(this.#leaseMs / 4)))
    this.#timer.unref()
    await Promise.all(this.#trackers.map((t) => t.client.connect()))
  }

  /** Switches the connection's tracking (node-redis turned on the default mode) to BCAST over the account keys. */
  async #arm(t: Tracker): Promise<void> {
    try {
      await t.client.sendCommand(['CLIENT', 'TRACKING', 'OFF'])
      await t.client.sendCommand(['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', `${this.#prefix}{a:`])
      t.armed = true
      this.#heartbeat()
    } catch {
      t.armed = false
      this.#reset()
    }
  }

  /**
   * A master joined or left (failover, resharding): a slot may now live where no tracker
   * listens. Checked every heartbeat; the trackers are rebuilt, the cache dropped meanwhile.
   */
  #mastersChanged(): boolean {
    return this.#masters !== null && masterAddresses(this.#source) !== this.#masters
  }

  async #rebuild(): Promise<void> {
    const old = this.#trackers
    this.#trackers = []
    clearInterval(this.#timer)
    this.#reset()
    await this.#starting?.catch(() => undefined)
    this.#starting = undefined
    await Promise.all(old.map((t) => closeQuietly(t.client)))
    this.#start()
  }

  /** One PING per node; all answered = every invalidation sent before them has arrived. */
  #heartbeat(): void {
    if (this.#pinging || this.#closed || this.#trackers.length === 0) return
    if (this.#mastersChanged()) return void this.#rebuild()
    if (!this.#trackers.every((t) => t.armed)) return
    this.#pinging = true
    const epoch = this.#epoch
    const sentAt = performance.now()
    Promise.all(this.#trackers.map((t) => t.client.ping())).then(
      () => {
        this.#pinging = false
        if (epoch === this.#epoch && this.#trackers.every((t) => t.armed)) this.#freshUntil = Math.max(this.#freshUntil, sentAt + this.#leaseMs)
      },
      () => {
        this.#pinging = false
        this.#reset()
      },
    )
  }
}

/** The Cluster's master addresses, sorted (null for a single node). */
function masterAddresses(src: TrackingClient): string | null {
  if (!src || !Array.isArray(src.masters)) return null
  return src.masters.map((m: { address?: string; host?: string; port?: number }) => m.address ?? `${m.host}:${m.port}`).sort().join(',')
}

async function closeQuietly(client: TrackingClient): Promise<void> {
  try {
    if (client.isReady) await client.close()
    else if (client.isOpen) client.destroy()
  } catch {
    // already gone
  }
}
