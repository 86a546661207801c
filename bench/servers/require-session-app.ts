/**
 * Variants 5–8 (and the seeded and Cluster runs): `requireSession()` in front of `GET /me`, in
 * an app that mounts the router too, as the README shows. The session is made through the
 * router; the load then carries it as `X-Appwrite-Session`, the `a_session_<project>` cookie,
 * or a JWT minted from it (`X-Appwrite-JWT`).
 */
import express from 'express'
import { createCluster } from 'redis'
import { createAccounts, MemoryStore, RedisStore, type Store } from '../../lib/index.js'
import type { BenchServer, LoadRequest, ServerConfig } from './bench-server.js'
import { BENCH_EMAIL, createJwt, PROJECT, SECRET, signIn, signUp, type SignedIn } from './appwrite-client.js'

/** JWT lifetime asked for, seconds (the most the router allows); re-minted once half of it is gone. */
const JWT_SECONDS = 3600

export async function requireSessionApp(config: ServerConfig): Promise<BenchServer> {
  let store: Store
  let cluster: ReturnType<typeof createCluster> | undefined
  if (config.store === 'memory') store = new MemoryStore()
  else if (config.cluster) {
    cluster = createCluster({ rootNodes: [{ url: config.redisUrl }] })
    cluster.on('error', (err: Error) => console.error(`cluster: ${err.message}`))
    await cluster.connect()
    store = new RedisStore({ client: cluster, prefix: config.prefix, clientSideCache: config.clientSideCache })
  } else store = new RedisStore({ url: config.redisUrl, prefix: config.prefix, clientSideCache: config.clientSideCache })

  const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, rateLimits: false, bcryptCost: config.bcryptCost })
  const app = express()
  app.use('/v1', accounts.router())
  app.get('/me', accounts.requireSession(), (req, res) => {
    res.json(req.account)
  })

  let session: SignedIn | undefined
  let jwt = { token: '', mintedAt: 0 }
  return {
    app,
    async prepare(origin) {
      await signUp(origin, BENCH_EMAIL)
      session = await signIn(origin, BENCH_EMAIL)
      return { userId: session.userId }
    },
    async request(origin): Promise<LoadRequest> {
      if (!session) throw new Error('require-session: request() before prepare()')
      const get = (headers: Record<string, string>): LoadRequest => ({ method: 'GET', path: '/me', headers, expectStatus: 200 })
      if (config.carrier === 'cookie') return get({ cookie: `a_session_${PROJECT}=${session.cookieValue}` })
      if (config.carrier === 'jwt') {
        if (Date.now() - jwt.mintedAt > (JWT_SECONDS / 2) * 1000) jwt = { token: await createJwt(origin, session, JWT_SECONDS), mintedAt: Date.now() }
        return get({ 'x-appwrite-jwt': jwt.token })
      }
      return get({ 'x-appwrite-session': session.sessionValue })
    },
    async close() {
      await store.close()
      await cluster?.close()
    },
  }
}
