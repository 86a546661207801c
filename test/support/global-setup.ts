/**
 * Mocha global fixture (loaded through `require` in .mocharc.json): gives the run a Redis.
 *
 * `REDIS_URL` set → used as is. Otherwise a throw-away `redis-server` is started on a free
 * loopback port (see ./redis-server.ts) and `REDIS_URL` points at it. No redis-server: with
 * `REQUIRE_REDIS=1` the run fails, otherwise Redis suites skip (see ./redis.ts).
 */
import { randomBytes } from 'node:crypto'
import { stopSharedCluster } from './redis-cluster.js'
import { startRedisServer } from './redis-server.js'
import type { RedisServer } from './redis-server.js'

let server: RedisServer | undefined

// Tests import example/app.ts, which builds the app from process.env at import time; without a
// secret it warns that it invented one. That warning is the example working as documented, not
// news: give the run a secret (spawned servers set their own ACCOUNTS_SECRET).
process.env.ACCOUNTS_SECRET ??= randomBytes(32).toString('base64')

// The package's own warnings (EXPRESS_ACCOUNTS_*: a Redis outage, a store timeout, a random
// secret, an insecure cookie) are what many suites provoke on purpose. Labelled, a reader of the
// output can tell them from real ones; every other warning is printed by Node as usual.
const nodeWarningPrinters = process.listeners('warning')
process.removeAllListeners('warning')
process.on('warning', (warning: Error & { code?: string }) => {
  if (warning.code?.startsWith('EXPRESS_ACCOUNTS_')) {
    process.stderr.write(`[test: expected warning] ${warning.code}: ${warning.message}\n`)
    return
  }
  for (const print of nodeWarningPrinters) print(warning)
})

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
