import { RedisProbe } from './redis-probe.js'
import { RunningVariant } from './running-variant.js'
import { ServerProcess } from './server-process.js'
import { startVariantRedis, type VariantRedis } from './variant-redis.js'
import type { Variant } from './variants.js'

export interface StartAllOptions {
  bcryptCost: number
  seedAccounts: number
  sessionsPerAccount: number
  /** All apps in one child (`--quick`: nothing is measured, starting is most of its time). */
  shareProcess: boolean
}

/** Children started at once: more would only make them fight over two cores while compiling. */
const PARALLEL = 3
/** RedisStore key prefix of every variant (the seeding reads the keys it finds, whatever the prefix). */
const PREFIX = 'acc:'

/**
 * Starts every variant's Redis, then its server, then seeds the seeded one (once every child
 * is up, so no compiling child competes with the seeding). On any failure stops everything
 * already started and throws.
 */
export async function startAll(variants: Variant[], options: StartAllOptions): Promise<RunningVariant[]> {
  const redis = new Map<Variant, VariantRedis | null>()
  const servers = new Map<Variant, ServerProcess>()
  const running: RunningVariant[] = []
  const cleanup = async () => {
    await Promise.all(running.map((r) => r.probe?.close()))
    await Promise.all([...servers.values()].map((s) => s.stop().catch(() => undefined)))
    await Promise.all([...redis.values()].map((r) => r?.stop().catch(() => undefined)))
  }
  try {
    await pool(variants, async (v) => {
      redis.set(v, await startVariantRedis(v))
    })
    const config = (v: Variant) => {
      const r = redis.get(v)
      return { ...v.server, redisUrl: r?.url, cluster: v.redis === 'cluster', bcryptCost: options.bcryptCost, prefix: PREFIX }
    }
    if (options.shareProcess) {
      const shared = await ServerProcess.startShared(variants.map((v) => ({ name: v.name, config: config(v) })))
      variants.forEach((v, i) => {
        servers.set(v, shared[i])
      })
    } else {
      await pool(variants, async (v) => {
        servers.set(v, await ServerProcess.start(v.name, config(v)))
      })
    }
    for (const v of variants) {
      const r = redis.get(v) ?? null
      running.push(new RunningVariant(v, servers.get(v)!, r ? await RedisProbe.connect(r.nodes) : null, r))
    }
    for (const r of running) if (r.variant.redis === 'seeded') await r.seed(options.seedAccounts, options.sessionsPerAccount)
    return running
  } catch (err) {
    await cleanup()
    throw err
  }
}

export async function stopAll(running: RunningVariant[]): Promise<void> {
  await Promise.all(running.map((r) => r.stop().catch(() => undefined)))
}

/** Runs `fn` over `items`, `PARALLEL` at a time; the first failure is thrown once all have settled. */
async function pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  const errors: unknown[] = []
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let item = queue.shift(); item !== undefined && errors.length === 0; item = queue.shift()) {
      await fn(item).catch((err: unknown) => errors.push(err))
    }
  }))
  if (errors.length > 0) throw errors[0]
}
