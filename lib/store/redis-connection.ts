import { createHash } from 'node:crypto'
import { createClient } from 'redis'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
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
    timer = setTimeout(() => reject(new Error(`RedisStore: Redis not reachable within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
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
  readonly #owned: boolean
  #connecting: Promise<void> | undefined
  #closed = false

  constructor(client: RedisStoreClient | undefined, url: string | undefined) {
    this.#owned = client == null
    if (client != null) {
      this.#client = client as unknown as OwnedClient
      return
    }
    // Fail fast while Redis is unreachable: a queued command would hold the request open
    // until Redis came back. Requests then answer 500 and the client keeps reconnecting.
    const own = createClient({ url, disableOfflineQueue: true })
    let reported = false
    // Without a listener an 'error' event would crash the process; node-redis reconnects by
    // itself and failed commands reject, so one warning per outage is enough.
    own.on('error', (err: Error) => {
      if (!reported) process.emitWarning(`RedisStore: ${err.message}`, { code: 'EXPRESS_ACCOUNTS_REDIS' })
      reported = true
    })
    own.on('ready', () => { reported = false })
    this.#client = own as unknown as OwnedClient
  }

  async cmd(): Promise<Commands> {
    if (this.#closed) throw new Error('RedisStore is closed')
    if (this.#owned && !this.#client.isReady) {
      // One shared connect for every caller; a failed attempt is forgotten so the next call retries.
      this.#connecting ??= this.#client.connect().then(() => undefined, (err: unknown) => {
        this.#connecting = undefined
        throw err
      })
      await withTimeout(this.#connecting, CONNECT_WAIT_MS)
    }
    return this.#client
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
