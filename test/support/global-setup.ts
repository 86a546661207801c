/**
 * Mocha global fixture (loaded through `require` in .mocharc.json): gives the run a Redis.
 *
 * `REDIS_URL` set → used as is. Otherwise a throw-away `redis-server` is started on a free
 * loopback port (see ./redis-server.ts) and `REDIS_URL` points at it. No redis-server: with
 * `REQUIRE_REDIS=1` the run fails, otherwise Redis suites skip (see ./redis.ts).
 */
import { stopSharedCluster } from './redis-cluster.js'
import { startRedisServer } from './redis-server.js'
import type { RedisServer } from './redis-server.js'

let server: RedisServer | undefined

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return
  try {
    server = await startRedisServer()
    process.env.REDIS_URL = server.url
  } catch (err) {
    if (process.env.REQUIRE_REDIS === '1') throw err
    console.warn(`[test] no Redis (${(err as Error).message}); Redis suites will be skipped`)
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopSharedCluster()
  await server?.stop()
  server = undefined
}
