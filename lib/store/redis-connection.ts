import { createHash } from 'node:crypto'
import { createClient } from 'redis'
import { classifyStoreError, storeUnavailable } from './guarded-store.js'
import { redactRedisUrl } from './redis-ready.js'

// biome-ignore lint/suspicious/noExplicitAny: node-redis commands differ in arity and argument types; each caller passes its own.
type Method = (...args: any[]) => Promise<unknown>

/**
 * A node-redis v5/v6 client or cluster (`createClient()` / `createCluster()`), whatever its
 * modules, scripts or RESP version. Typed by the commands the store calls, because node-redis'
 * generic `RedisClientType` / `RedisClusterType` instantiations don't assign to each other.
 */
export interface RedisStoreClient {
  readonly isOpen: boolean
  get: Method
  mGet: Method
  set: Method
  exists: Method
  del: Method
  getDel: Method
  hGet: Method
  hVals: Method
  hDel: Method
  eval: Method
  evalSha: Method
}

/** The commands used by the store; node-redis clients and clusters both have these shapes. */
export interface Commands {
  get(key: string): Promise<unknown>
  mGet(keys: string[]): Promise<unknown[]>
  exists(key: string): Promise<number>
  set(key: string, value: string, opts?: { condition?: 'NX'; expiration?: { type: 'PX'; value: number } }): Promise<unknown>
  del(key: string): Promise<number>
  /** Redis >= 6.2. */
  getDel(key: string): Promise<unknown>
  hGet(key: string, field: string): Promise<unknown>
  hVals(key: string): Promise<unknown[]>
  hDel(key: string, field: string): Promise<number>
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>
  evalSha(sha: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>
}

type OwnedClient = Commands & {
  connect(): Promise<unknown>
  close(): Promise<void>
  destroy(): void
  readonly isReady: boolean
  readonly isOpen: boolean
}

const shas = new Map<string, string>()
/** How long a command waits for the store's own client to (re)connect before failing, ms. */
const CONNECT_WAIT_MS = 5000

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(storeUnavailable(new Error(`RedisStore: Redis not reachable within ${ms} ms`))), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Commands waiting in the own client's queue at most (sent, or to be sent), see the constructor. */
const OWN_QUEUE_MAX = 100_000
/** node-redis' message when that bound is reached. */
const QUEUE_FULL = 'The queue is full'

/** node-redis' errors for a connection that is closed, offline, lost or timed out (matched by class name: your client may come from another copy of node-redis). */
const CONNECTION_ERRORS = new Set([
  'ClientClosedError', 'ClientOfflineError', 'SocketClosedUnexpectedlyError', 'ConnectionTimeoutError',
  'SocketTimeoutError', 'ReconnectStrategyError', 'DisconnectsClientError', 'RootNodesUnavailableError',
  'SocketTimeoutDuringMaintenanceError', 'CommandTimeoutDuringMaintenanceError', 'AbortError',
])
/**
 * Error replies of a server that is there but can't serve now: loading its dataset after a
 * restart, running a slow script, failing over, a Cluster without all its slots, or out of
 * memory (`maxmemory` reached). A retry later can succeed; they are not bugs in our code.
 */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|UNBLOCKED|OOM)\b/

/**
 * What node-redis 6 throws on a Cluster whose slot map has a hole, a slot no master serves
 * (`CLUSTER DELSLOTS`, a cluster set up or changed by hand, or read mid-change): it reads the
 * slot's `master` or `replicas` off `undefined`, before sending anything.
 */
const SLOT_WITHOUT_MASTER = /^Cannot read properties of undefined \(reading '(master|replicas)'\)$/

/** How often at most a Cluster client is asked to read its slot map again after such a hole. */
const SLOT_REFRESH_MS = 1000
/** How often at most such a hole is reported as a process warning (it is a quiet 503 otherwise). */
const SLOT_WARNING_MS = 60_000

/** A Cluster's redirect replies: the slot lives (or is moving) elsewhere. */
const REDIRECT = /^(MOVED|ASK) /

/** node-redis' connection faults and "not now" replies become `503 store_unavailable`; script errors and bugs stay as they are. */
function redisFault(err: unknown): unknown {
  if (err instanceof Error) {
    if (err.message === QUEUE_FULL) return storeUnavailable(err) // commandsQueueMaxLength reached
    if (CONNECTION_ERRORS.has(err.constructor.name) || UNAVAILABLE_REPLY.test(err.message)) return storeUnavailable(err)
    if (err.constructor.name === 'MaxCommandRedirectionsError') return storeUnavailable(err) // a Cluster mid-resharding
  }
  return classifyStoreError(err)
}

const rethrow = (err: unknown): never => {
  throw redisFault(err)
}

/** Replies as strings, whatever the client's type mapping did to them (e.g. Buffers). */
export const str = (v: unknown): string | null => (v == null ? null : typeof v === 'string' ? v : String(v))
export const parse = <T>(v: unknown): T | null => {
  const s = str(v)
  return s === null ? null : (JSON.parse(s) as T)
}

/**
 * The client a RedisStore talks through: yours (used as is), or its own made from a URL
 * (connected on first use, closed by `close()`).
 */
export class RedisConnection {
  readonly #client: OwnedClient
  readonly #commands: Commands
  /**
   * A caller's client seen through `withCommandOptions({ timeout: 0 })`, for the hot read only
   * (`ready()`), or null when the client has no such method.
   */
  readonly #untimed: Commands | null
  /** The same, without the classification of failures. */
  readonly #untimedRaw: Commands | null
  readonly #owned: boolean
  #connecting: Promise<void> | undefined
  /** The connection error seen since the owned client was last ready (null: none). */
  #down: Error | null = null
  /** Rejects at the owned client's next connection error: a caller waiting for a connect learns at once that it failed. */
  #failed: { promise: Promise<never>; reject: (err: Error) => void } | null = null
  #closed = false

  constructor(client: RedisStoreClient | undefined, url: string | undefined) {
    this.#owned = client == null
    if (client != null) {
      this.#client = client as unknown as OwnedClient
    } else {
      // Fail fast while Redis is unreachable: a queued command would hold the request open
      // until Redis came back. Requests then answer 503 and the client keeps reconnecting.
      //
      // No per-command timeout of node-redis' own (its default is 5 s): the core's GuardedStore
      // already bounds every store call (`storeTimeout`, 503 store_timeout), and node-redis arms
      // an `AbortSignal.timeout()` per command for it, which cost about as much CPU as the rest of
      // a requireSession() request. (That timeout only covers a command not yet written to the
      // socket; once written, nothing but a reply or a disconnect ends it.) What it also did,
      // dropping unwritten commands from the queue, is bounded by `commandsQueueMaxLength`
      // instead: a Redis that stopped reading (paused, partitioned) can't grow the queue
      // without limit, and past it a call fails at once (503).
      const own = ownClient(url)
      // Without a listener an 'error' event would crash the process; node-redis reconnects by
      // itself and failed commands reject, so one warning per outage is enough.
      own.on('error', (err: Error) => {
        if (this.#down === null) process.emitWarning(`RedisStore: ${err.message}`, { code: 'EXPRESS_ACCOUNTS_REDIS' })
        this.#down = err
        this.#failed?.reject(err)
        this.#failed = null
      })
      own.on('ready', () => { this.#down = null })
      this.#client = own as unknown as OwnedClient
    }
    this.#commands = classified(this.#client, this.#fault)
    // Your client keeps its own options for everything, except the requireSession() read while
    // it reports itself ready: node-redis' per-command timeout (default 5 s) arms an
    // `AbortSignal.timeout()` per command, which on a Cluster cost more CPU than the rest of
    // the request. That timeout only ever ends a command not yet written to the socket; a ready
    // client writes at once, and the core's GuardedStore still bounds the call (storeTimeout,
    // 503). While your client is not ready, the read goes through your options as before (so
    // with your offline queue, your timeout still drops what waits there).
    const withOptions = (client as { withCommandOptions?: (o: { timeout: number }) => unknown } | undefined)?.withCommandOptions
    this.#untimedRaw = !this.#owned && typeof withOptions === 'function' ? (withOptions.call(client, { timeout: 0 }) as Commands) : null
    this.#untimed = this.#untimedRaw === null ? null : classified(this.#untimedRaw, this.#fault)
    const shape = client as { masters?: unknown; multi?: unknown } | undefined
    this.#cluster = Array.isArray(shape?.masters) && typeof shape?.multi === 'function'
  }

  /** The client is a node-redis Cluster (see {@link hotMGet}). */
  readonly #cluster: boolean

  /** When the Cluster client was last asked to read its slot map again (see {@link #fault}). */
  #slotsRefreshedAt = 0
  /** When a slot without a master was last reported (see {@link #refreshSlots}). */
  #slotsWarnedAt = Number.NEGATIVE_INFINITY

  /**
   * A failed command, classified (`redisFault`). On a Cluster, a slot no master serves is a
   * store that cannot serve now (503 with Retry-After), not a bug of ours. node-redis only reads
   * the slot map again on a MOVED or ASK reply, which a command it never sends cannot get, so
   * without a nudge the slot would fail for as long as the process lives, even once served again:
   * the client is asked to look again, at most once a second (its own discovery, shared by
   * concurrent callers).
   */
  readonly #fault = (err: unknown): never => {
    if (this.#cluster && err instanceof TypeError && SLOT_WITHOUT_MASTER.test(err.message)) {
      this.#refreshSlots()
      throw storeUnavailable(err)
    }
    throw redisFault(err)
  }

  #refreshSlots(): void {
    const now = Date.now()
    if (now - this.#slotsRefreshedAt < SLOT_REFRESH_MS) return
    this.#slotsRefreshedAt = now
    // A 503 is not logged as a 500 is: say it, so a lasting hole does not go unnoticed.
    if (now - this.#slotsWarnedAt >= SLOT_WARNING_MS) {
      this.#slotsWarnedAt = now
      process.emitWarning('RedisStore: a Redis Cluster slot has no master; its requests answer 503 store_unavailable until the Cluster serves it again', { code: 'EXPRESS_ACCOUNTS_REDIS' })
    }
    // node-redis' own rediscovery (what it runs on MOVED), from the nodes it knows; absent in a
    // client that does not have it, which then only gets the 503.
    const slots = (this.#client as { _slots?: { rediscover?: (startWith?: unknown) => Promise<void> } })._slots
    if (typeof slots?.rediscover === 'function') slots.rediscover(undefined).catch(() => undefined)
  }

  /**
   * The hot read: `MGET` of keys that share one hash tag, one round trip. On a Cluster,
   * node-redis sends a plain `MGET` through its multi-shard request policy (resolve the policy,
   * split the keys by slot, send, reduce the replies), which cost more CPU than the rest of a
   * requireSession() request; sent as a one-command pipeline it is routed by its first key and
   * written at once. That path does not follow redirects, so an error reply (a slot moving
   * mid-resharding: MOVED / ASK) falls back to the plain `MGET`, which does. Same command.
   */
  hotMGet(keys: string[]): Promise<unknown[]> {
    const ready = this.ready()
    if (ready === null) return this.cmd().then((c) => c.mGet(keys))
    // Only while your Cluster reports itself ready (see `ready()`): otherwise your options apply.
    if (!this.#cluster || ready !== this.#untimed) return ready.mGet(keys)
    const raw = this.#untimedRaw as unknown as { multi(): { mGet(k: string[]): { execAsPipeline(): Promise<unknown[]> } } }
    return raw.multi().mGet(keys).execAsPipeline().then(
      (replies) => replies[0] as unknown[],
      (err: unknown) => {
        // node-redis 6 rejects with the reply itself; a MultiErrorReply wraps it elsewhere.
        if (err instanceof Error && (REDIRECT.test(err.message) || err.constructor.name === 'MultiErrorReply')) return ready.mGet(keys)
        return this.#fault(err)
      },
    )
  }

  /** The node-redis client or cluster itself (for what `Commands` doesn't cover: a rebuild's SCAN). */
  get client(): unknown {
    return this.#client
  }

  /**
   * The commands when they can be sent right now (a caller's client, or the own one ready),
   * else null: the hot path's way to skip `cmd()`'s promise.
   */
  ready(): Commands | null {
    if (this.#closed) return null
    if (this.#owned) return this.#client.isReady ? this.#commands : null
    return this.#untimed !== null && this.#client.isReady === true ? this.#untimed : this.#commands
  }

  /** The commands, their failures classified (`redisFault`). */
  async cmd(): Promise<Commands> {
    if (this.#closed) throw storeUnavailable(new Error('RedisStore is closed'))
    if (this.#owned && !this.#client.isReady) {
      // Known down (node-redis is between reconnect attempts): answer now, don't wait.
      if (this.#down !== null) throw storeUnavailable(this.#down)
      // One shared connect for every caller; a failed attempt is forgotten so the next call retries.
      this.#connecting ??= this.#client.connect().then(() => undefined, (err: unknown) => {
        this.#connecting = undefined
        throw redisFault(err)
      })
      if (this.#failed === null) {
        let reject!: (err: Error) => void
        const promise = new Promise<never>((_, no) => { reject = no })
        promise.catch(() => undefined) // nobody may be waiting when it fires
        this.#failed = { promise, reject }
      }
      // node-redis keeps retrying a connect that failed; the first error is our answer.
      await withTimeout(Promise.race([this.#connecting, this.#failed.promise.catch(rethrow)]), CONNECT_WAIT_MS)
    }
    return this.#commands
  }

  /** EVALSHA, falling back to EVAL (which also caches the script) on a node that hasn't seen it. */
  async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    const c = await this.cmd()
    let sha = shas.get(script)
    if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')))
    try {
      return await c.evalSha(sha, { keys, arguments: args })
    } catch (err) {
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err
      return c.eval(script, { keys, arguments: args })
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (!this.#owned) return
    if (this.#client.isReady) await this.#client.close()
    else if (this.#client.isOpen) this.#client.destroy() // still (re)connecting: nothing to flush
  }
}

/** Fail fast while Redis is unreachable (no offline queue); a URL node-redis can't parse is an option error. */
function ownClient(url: string | undefined): ReturnType<typeof createClient> {
  try {
    return createClient({ url, disableOfflineQueue: true, commandOptions: { timeout: 0 }, commandsQueueMaxLength: OWN_QUEUE_MAX })
  } catch (err) {
    // node-redis' message names the protocol or says "Invalid URL"; the URL itself may hold a password.
    throw new TypeError(`RedisStore: options.url ${redactRedisUrl(url ?? '')} is not a Redis URL (${(err as Error).message})`)
  }
}

/** The client's commands with every failure passed through `fault` (`redisFault` and more). */
function classified(c: Commands, fault: (err: unknown) => never): Commands {
  return {
    get: (key) => c.get(key).catch(fault),
    mGet: (keys) => c.mGet(keys).catch(fault),
    exists: (key) => c.exists(key).catch(fault),
    set: (key, value, opts) => c.set(key, value, opts).catch(fault),
    del: (key) => c.del(key).catch(fault),
    getDel: (key) => c.getDel(key).catch(fault),
    hGet: (key, field) => c.hGet(key, field).catch(fault),
    hVals: (key) => c.hVals(key).catch(fault),
    hDel: (key, field) => c.hDel(key, field).catch(fault),
    // NOSCRIPT passes through unchanged: `run` falls back to EVAL on it.
    eval: (script, opts) => c.eval(script, opts).catch(fault),
    evalSha: (sha, opts) => c.evalSha(sha, opts).catch(fault),
  }
}
