/**
 * Sign-in throughput: `POST /v1/account/sessions/email` through `accounts.router()` on
 * RedisStore, rate limits off (they would answer 429 long before bcrypt is the limit). Every
 * request checks the password (bcrypt at `bcryptCost`) and creates a session.
 */
import express from 'express'
import { createAccounts, RedisStore } from '../../lib/index.js'
import type { BenchServer } from './bench-server.js'
import type { ServerConfig } from './bench-server.js'
import { PROJECT, SECRET, signUp } from './appwrite-client.js'
import { BENCH_PASSWORD } from './bench-user.js'

const EMAIL = 'bench.signin@example.com'

export async function signInApp(config: ServerConfig): Promise<BenchServer> {
  const store = new RedisStore({ url: config.redisUrl, prefix: config.prefix })
  // Every connection comes from one loopback address: the bcrypt gate's per-client share (an
  // abuse bound, 8 places) would answer 429 to the rest. The gate's concurrency stays the
  // shipped default, so the ratio to raw bcrypt shows what it costs.
  const accounts = createAccounts({
    store, project: PROJECT, secret: SECRET, rateLimits: false, bcryptCost: config.bcryptCost, bcryptPerClient: 1024, bcryptQueue: 1024,
  })
  const app = express()
  app.use('/v1', accounts.router())
  return {
    app,
    prepare: async (origin) => ({ userId: await signUp(origin, EMAIL) }),
    request: async () => ({
      method: 'POST',
      path: '/v1/account/sessions/email',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: BENCH_PASSWORD }),
      expectStatus: 201,
    }),
    close: () => store.close(),
  }
}
