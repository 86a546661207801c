/**
 * One app process for the client-side cache suite: the router and a `requireSession()` route
 * on a RedisStore with `clientSideCache`, on the Redis named by `CACHE_REDIS_URL`. Tells its
 * parent its port over IPC and answers `{ type: 'cached' }` with the cache's size.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createAccounts, RedisStore } from '../../lib/index.js'
import { API_KEY, PROJECT, SECRET } from './app.js'

const store = new RedisStore({ url: process.env.CACHE_REDIS_URL!, prefix: process.env.CACHE_PREFIX!, clientSideCache: { maxEntries: 100 } })
const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, storeTimeout: 1 })
const app = express()
app.use('/v1', accounts.router())
app.get('/me', accounts.requireSession(), (req, res) => {
  res.json({ id: req.account!.$id, mfa: req.account!.mfa })
})
app.use(accounts.errorHandler())
const server = app.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port })
})
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'cached') process.send!({ type: 'cached', size: store.cachedSessions })
})
process.on('disconnect', () => process.exit(0))
