import type { LoadProcess } from './load-process.js'
import type { RedisProbe, RedisDelta, RedisSnapshot } from './redis-probe.js'
import { runLoad, type LoadOptions, type LoadResult } from './run-load.js'
import { seedAccounts, type SeedReport } from './seed-accounts.js'
import type { ChildCounters } from './server-child.js'
import type { ServerProcess } from './server-process.js'
import type { LoadRequest } from './servers/bench-server.js'
import { BENCH_EMAIL, listSessionIds, signIn } from './servers/appwrite-client.js'
import type { VariantRedis } from './variant-redis.js'
import type { Variant } from './variants.js'

/** One load window: the load generator's figures plus what the server and Redis spent on it. */
export interface WindowResult extends LoadResult {
  /** Server CPU (user + system) during the window, µs. */
  cpuMicros: number
  /** Requests the server received during the window (the per-request figures divide by this). */
  served: number
  redis: RedisDelta | null
}

/** A window begun (counters read) whose load has not run yet. */
export interface StartedWindow {
  request: LoadRequest
  before: RedisSnapshot | undefined
  start: ChildCounters
  /** `startAt`: with `via`, the `Date.now()` at which the generator begins the load. */
  load: (load: LoadOptions, via?: LoadProcess, startAt?: number) => Promise<LoadResult>
}

/** How long a server may take to finish the requests in flight when a window ends, ms. */
const DRAIN_TIMEOUT_MS = 60_000
/** A server is quiet once it used less than this share of one core over QUIET_SPAN_MS. */
const QUIET_SHARE = 0.05
const QUIET_SPAN_MS = 100

/**
 * A variant with everything it runs on: its server child and, when it uses Redis, a
 * `redis-server` (or 3-master Cluster) of its own, so `INFO` deltas around its windows count
 * only its requests and no other variant's keys share its keyspace.
 */
export class RunningVariant {
  readonly variant: Variant
  readonly server: ServerProcess
  readonly probe: RedisProbe | null
  seeding: SeedReport | null = null
  readonly #redis: VariantRedis | null

  constructor(variant: Variant, server: ServerProcess, probe: RedisProbe | null, redis: VariantRedis | null) {
    this.variant = variant
    this.server = server
    this.probe = probe
    this.#redis = redis
  }

  /**
   * Fills this variant's Redis with `accounts` copies of the bench account, each with
   * `sessionsPerAccount` sessions. The bench account first gets that many sessions itself (the
   * measured one among them), so it is the template for every copy.
   */
  async seed(accounts: number, sessionsPerAccount: number): Promise<SeedReport> {
    const url = this.#redis?.url
    if (!this.server.userId || !url) throw new Error(`${this.variant.name}: nothing to seed from`)
    const origin = `http://127.0.0.1:${this.server.port}`
    for (let i = 1; i < sessionsPerAccount; i++) await signIn(origin, BENCH_EMAIL)
    const sessionValue = (await this.server.request()).headers['x-appwrite-session']
    const sessionIds = await listSessionIds(origin, sessionValue)
    this.seeding = await seedAccounts(url, { userId: this.server.userId, email: BENCH_EMAIL, sessionIds }, accounts)
    return this.seeding
  }

  /**
   * Loads the server and reads its CPU and Redis counters right around the load, so the
   * deltas cover the window and nothing else (the probe's own INFO is taken off). The end is
   * read once the server has finished every request it received (a bcrypt still running when
   * autocannon stops would otherwise be counted but not paid for), so per-request figures
   * divide whole costs by whole requests. `via`: a load generator child to run the load in
   * (side-by-side windows); otherwise it runs in this process.
   */
  async window(load: LoadOptions, via?: LoadProcess): Promise<WindowResult> {
    const started = await this.begin()
    return this.end(started, await started.load(load, via))
  }

  /**
   * Everything a window reads before its load: split from the load so two variants' windows
   * can be begun first and then loaded at the same moment (sideBySide).
   */
  async begin(): Promise<StartedWindow> {
    const request = await this.server.request()
    const before = await this.probe?.snapshot()
    const start = await this.server.counters()
    const port = this.server.port
    return { request, before, start, load: (load, via, startAt) => (via ? via.run(port, request, load, startAt) : runLoad(port, request, load)) }
  }

  async end(started: StartedWindow, result: LoadResult): Promise<WindowResult> {
    const end = await this.#drained()
    const after = await this.probe?.snapshot()
    const { before, start } = started
    return {
      ...result,
      cpuMicros: end.cpuMicros - start.cpuMicros,
      served: end.requests - start.requests,
      redis: before && after ? this.probe!.delta(before, after) : null,
    }
  }

  async #drained(): Promise<ChildCounters> {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    for (;;) {
      const c = await this.server.counters()
      if (c.settled >= c.requests) break
      if (Date.now() > deadline) throw new Error(`${this.variant.name}: ${c.requests - c.settled} requests still running ${DRAIN_TIMEOUT_MS / 1000} s after the load ended`)
      await sleep(20)
    }
    // A response counts as settled when its connection closes, and autocannon closes them all
    // when the window ends: work still queued (sign-in's bcrypt jobs on libuv's pool) goes on
    // after that, on the cores the next window measures. It made the variant after `signin` /
    // `bcrypt` run at a fraction of its speed. So also wait until the server's CPU is quiet:
    // less than QUIET_SHARE of one core over QUIET_SPAN_MS.
    let last = await this.server.counters()
    for (;;) {
      await sleep(QUIET_SPAN_MS)
      const c = await this.server.counters()
      if (c.cpuMicros - last.cpuMicros < QUIET_SHARE * QUIET_SPAN_MS * 1000) return c
      if (Date.now() > deadline) throw new Error(`${this.variant.name}: still busy ${DRAIN_TIMEOUT_MS / 1000} s after the load ended`)
      last = c
    }
  }

  async stop(): Promise<void> {
    await this.probe?.close()
    await this.server.stop()
    await this.#redis?.stop()
  }
}
