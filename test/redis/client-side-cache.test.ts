/**
 * Issue 11, item 3: RedisStore's opt-in client-side cache. A hot session costs no Redis round
 * trip; revocation stays correct: the revoking process refuses at once, another process within
 * the invalidation's delivery (two real app processes on one redis-server, < 50 ms), a dropped
 * or paused connection never serves a cached answer, the entry cap holds, and the same on the
 * 3-master Cluster. The Store contract runs with the cache on too.
 */
import assert from 'node:assert/strict'
import { fork, type ChildProcess } from 'node:child_process'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import express from 'express'
import { createAccounts, RedisStore, type ExpressAccounts } from '../../lib/index.js'
import { storeContract } from '../../lib/testing/index.js'
import { makeAccount, makeSession } from '../../lib/testing/fixtures.js'
import { API_KEY, PROJECT, SECRET, freshEmail } from '../support/app.js'
import { sharedCluster, type TestClusterClient } from '../support/redis-cluster.js'
import { startRedisServer, type RedisServer } from '../support/redis-server.js'
import { connectedClient, deleteByPrefix, describeRedis, requireRedisOrSkip, uniquePrefix, type TestRedisClient } from '../support/redis.js'

const PASSWORD = 'quartz-lantern-violet-94'
/** The bound for another process to refuse a revoked session. */
const DELIVERY_MS = 50
/** The app's lease: long enough that a loaded CI machine doesn't lapse it between heartbeats. */
const LEASE_MS = 1000

/** `INFO commandstats` calls of the commands a session read can issue. */
async function dataReads(clients: { sendCommand(args: string[]): Promise<unknown> }[]): Promise<number> {
  let n = 0
  for (const c of clients) {
    const info = String(await c.sendCommand(['INFO', 'commandstats']))
    for (const m of info.matchAll(/^cmdstat_(mget|get|evalsha|eval):calls=(\d+)/gm)) n += Number(m[2])
  }
  return n
}

interface Http { base: string }
const call = async (h: Http, method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null }
}
const session = (value: string) => ({ 'x-appwrite-session': value })

async function signUpAndIn(h: Http): Promise<{ email: string; value: string }> {
  const email = freshEmail('cache')
  assert.equal((await call(h, 'POST', '/v1/account', {}, { userId: 'unique()', email, password: PASSWORD, name: 'Cache User' })).status, 201)
  return { email, value: await signIn(h, email) }
}
async function signIn(h: Http, email: string): Promise<string> {
  const res = await call(h, 'POST', '/v1/account/sessions/email', { 'x-appwrite-key': API_KEY }, { email, password: PASSWORD })
  assert.equal(res.status, 201)
  return res.body!.secret as string
}

/**
 * Polls until `check` is true; returns how long after `since` the first passing check was
 * *started*: what a request arriving that late is answered, without the poll's own latency
 * (on a loaded 2-core machine one HTTP request can take tens of ms).
 */
async function msUntil(since: number, check: () => Promise<boolean>, limitMs = 2000): Promise<number> {
  for (;;) {
    const started = performance.now()
    if (await check()) return Math.max(0, started - since)
    if (started - since > limitMs) throw new Error(`not within ${limitMs} ms`)
    await sleep(1)
  }
}

describeRedis('RedisStore clientSideCache', function () {
  this.timeout(30_000)

  describe('contract with the cache on', () => {
    let client: TestRedisClient
    before(async () => { client = await connectedClient() })
    after(async () => { await client?.close() })
    const prefixes = new WeakMap<object, string>()
    storeContract('RedisStore (clientSideCache)', async () => {
      const prefix = uniquePrefix('csc')
      const store = new RedisStore({ client, prefix, clientSideCache: { maxEntries: 50, leaseMs: 200 } })
      assert.equal(await store.clientSideCacheReady(), true)
      prefixes.set(store, prefix)
      return store
    }, { cleanup: async (store) => { await deleteByPrefix(client, prefixes.get(store)!) } })
  })

  describe('one app process on its own redis-server', () => {
    let redis: RedisServer
    let admin: TestRedisClient
    let store: RedisStore
    let accounts: ExpressAccounts
    let server: Server
    const h: Http = { base: '' }

    before(async function () {
      requireRedisOrSkip(this)
      redis = await startRedisServer()
      admin = await connectedClient(redis.url)
      store = new RedisStore({ url: redis.url, clientSideCache: { maxEntries: 100, leaseMs: LEASE_MS } })
      accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, storeTimeout: 1 })
      const app = express()
      app.use('/v1', accounts.router())
      app.get('/me', accounts.requireSession(), (req, res) => { res.json({ id: req.account!.$id }) })
      app.use(accounts.errorHandler())
      server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
      h.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      assert.equal(await store.clientSideCacheReady(), true)
    })
    after(async () => {
      server?.closeAllConnections()
      server?.close()
      await store?.close()
      await admin?.close().catch(() => undefined)
      await redis?.stop()
    })

    it('serves a hot session with zero Redis round trips', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200) // the miss that fills
      const before = await dataReads([admin])
      for (let i = 0; i < 50; i++) assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      assert.equal(await dataReads([admin]), before, 'a hit sent a read to Redis')
    })

    it('never caches a session that does not exist (a guess neither fills nor evicts)', async () => {
      const { value } = await signUpAndIn(h)
      const size = store.cachedSessions
      const forged = Buffer.from(JSON.stringify({ id: JSON.parse(Buffer.from(value, 'base64').toString()).id, secret: 'f'.repeat(64) })).toString('base64')
      for (let i = 0; i < 3; i++) assert.equal((await call(h, 'GET', '/me', session(forged))).status, 401)
      assert.equal(store.cachedSessions, size)
    })

    it('the process that deletes a session refuses it at once', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200) // a hit
      assert.equal((await call(h, 'DELETE', '/v1/account/sessions/current', session(value))).status, 204)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 401)
    })

    it('a write by another client (outside this store) reaches the cache as a push', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      const keys = await admin.keys('acc:{a:*}:s:*')
      const { id } = JSON.parse(Buffer.from(value, 'base64').toString()) as { id: string }
      const mine = keys.filter((k) => k.startsWith(`acc:{a:${id}}:s:`))
      const deletedAt = performance.now()
      await admin.del(mine)
      const ms = await msUntil(deletedAt, async () => (await call(h, 'GET', '/me', session(value))).status === 401)
      assert.ok(ms < DELIVERY_MS, `refused after ${ms.toFixed(1)} ms`)
    })

    it('hands every hit on an entry one frozen answer, and a changed session a new one at once', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      const s = makeSession(a.id)
      await store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
      assert.equal(store.peekSessionWithAccount(a.id, s.id), undefined) // not cached yet
      // A read on its way while the write's own push arrives is not cached (rule 2): read until one fills.
      const filled = async () => {
        for (let i = 0; i < 50 && store.peekSessionWithAccount(a.id, s.id) === undefined; i++) {
          await store.getSessionWithAccount(a.id, s.id)
          await sleep(10)
        }
        return store.peekSessionWithAccount(a.id, s.id)
      }
      const first = await filled()
      assert.deepEqual(first, { session: s, account: a })
      assert.equal(store.peekSessionWithAccount(a.id, s.id), first)
      assert.ok(Object.isFrozen(first) && Object.isFrozen(first?.session) && Object.isFrozen(first?.account))
      assert.throws(() => { (first as { session: unknown }).session = null }, TypeError)
      const changed = { ...s, factors: ['password', 'totp'] }
      assert.equal(await store.replaceSession(changed, 60_000), true)
      assert.equal(store.peekSessionWithAccount(a.id, s.id), undefined) // this process' write dropped it
      const second = await filled()
      assert.deepEqual(second, { session: changed, account: a })
      assert.notEqual(second, first)
    })

    it('does not serve a session past its Redis TTL', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      const s = makeSession(a.id)
      await store.createSession(s, { maxSessions: 10, ttlMs: 150 })
      assert.deepEqual((await store.getSessionWithAccount(a.id, s.id)).session, s)
      assert.deepEqual((await store.getSessionWithAccount(a.id, s.id)).session, s) // cached
      await sleep(200)
      assert.equal((await store.getSessionWithAccount(a.id, s.id)).session, null)
    })

    it('keeps at most maxEntries sessions; one not hit since the last eviction pass goes first', async () => {
      const small = new RedisStore({ url: redis.url, prefix: uniquePrefix('cap'), clientSideCache: { maxEntries: 3, leaseMs: 5000 } }) // a long lease: this test is about the cap, not the heartbeat (a late one under load would turn hits into reads)
      try {
        assert.equal(await small.clientSideCacheReady(), true)
        const a = makeAccount()
        await small.insertAccount(a)
        const sessions = [1, 2, 3, 4, 5].map((i) => makeSession(a.id, { createdAt: Date.now() + i }))
        for (const s of sessions) await small.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
        for (const s of sessions) await small.getSessionWithAccount(a.id, s.id)
        assert.equal(small.cachedSessions, 3)
        // The three most recent are hits: no read reaches Redis.
        const before = await dataReads([admin])
        for (const s of sessions.slice(2)) assert.deepEqual((await small.getSessionWithAccount(a.id, s.id)).session, s)
        assert.equal(await dataReads([admin]), before)
        // The evicted first one is read again (and pushes the least recent out).
        assert.deepEqual((await small.getSessionWithAccount(a.id, sessions[0].id)).session, sessions[0])
        assert.ok((await dataReads([admin])) > before)
        assert.equal(small.cachedSessions, 3)
        // Every entry was hit, so eviction passed over them all once and took the oldest (the
        // third): the fourth and fifth are still hits, the third is a read.
        const after = await dataReads([admin])
        for (const s of sessions.slice(3)) assert.deepEqual((await small.getSessionWithAccount(a.id, s.id)).session, s)
        assert.equal(await dataReads([admin]), after)
        assert.deepEqual((await small.getSessionWithAccount(a.id, sessions[2].id)).session, sessions[2])
        assert.ok((await dataReads([admin])) > after)
      } finally {
        await small.close()
      }
    })

    it('drops the whole cache when its connection is dropped: no stale answer after', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      assert.ok(store.cachedSessions > 0)
      // Every connection but the admin's, the tracking one included.
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'])
      await msUntil(performance.now(), async () => store.cachedSessions === 0, 1000)
      const { id } = JSON.parse(Buffer.from(value, 'base64').toString()) as { id: string }
      await admin.del(await admin.keys(`acc:{a:${id}}:s:*`))
      const res = await call(h, 'GET', '/me', session(value))
      assert.ok(res.status === 401 || res.status === 503, `answered ${res.status}`)
      await store.clientSideCacheReady()
    })

    it('a paused Redis stops hits within leaseMs: 503, not the cached session', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      await admin.sendCommand(['CLIENT', 'PAUSE', String(LEASE_MS + 2000), 'ALL'])
      await sleep(LEASE_MS + 300) // the lease has run out
      const res = await call(h, 'GET', '/me', session(value))
      assert.equal(res.status, 503)
      await sleep(2000)
      assert.equal(await store.clientSideCacheReady(), true)
    })

    it('Redis killed: 503, never a cached 200', async () => {
      const { value } = await signUpAndIn(h)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      assert.equal((await call(h, 'GET', '/me', session(value))).status, 200)
      await redis.stop()
      await sleep(50)
      assert.equal(store.cachedSessions, 0)
      const res = await call(h, 'GET', '/me', session(value))
      assert.equal(res.status, 503)
    })
  })

  describe('two app processes on one redis-server', () => {
    let redis: RedisServer
    const children: ChildProcess[] = []
    const apps: (Http & { child: ChildProcess })[] = []

    const cached = (app: { child: ChildProcess }) => new Promise<number>((resolve) => {
      app.child.once('message', (m: { size: number }) => resolve(m.size))
      app.child.send({ type: 'cached' })
    })
    /** Until the app has served the session from its cache (filled, armed). */
    const warm = async (app: Http & { child: ChildProcess }, value: string) => {
      const deadline = performance.now() + 5000
      for (;;) {
        assert.equal((await call(app, 'GET', '/me', session(value))).status, 200)
        if ((await cached(app)) > 0) return
        if (performance.now() > deadline) throw new Error('the app never cached the session')
        await sleep(20)
      }
    }

    before(async function () {
      requireRedisOrSkip(this)
      this.timeout(60_000)
      redis = await startRedisServer()
      const file = fileURLToPath(new URL('../support/cached-app-child.ts', import.meta.url))
      for (let i = 0; i < 2; i++) {
        const child = fork(file, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CACHE_REDIS_URL: redis.url, CACHE_PREFIX: 'acc:' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        children.push(child)
        const port = await new Promise<number>((resolve, reject) => {
          child.once('message', (m: { port: number }) => resolve(m.port))
          child.once('exit', (code) => reject(new Error(`app exited with ${code}`)))
        })
        child.removeAllListeners('exit')
        apps.push({ base: `http://127.0.0.1:${port}`, child })
      }
    })
    after(async () => {
      for (const c of children) c.kill('SIGKILL')
      await redis?.stop()
    })

    it('a session revoked in one process is refused by the other within 50 ms', async () => {
      const [a, b] = apps
      const { value } = await signUpAndIn(a)
      await warm(a, value)
      await warm(b, value)
      const res = await call(a, 'DELETE', '/v1/account/sessions/current', session(value))
      const revokedAt = performance.now()
      assert.equal(res.status, 204)
      const ms = await msUntil(revokedAt, async () => (await call(b, 'GET', '/me', session(value))).status === 401)
      assert.ok(ms < DELIVERY_MS, `the other process refused after ${ms.toFixed(1)} ms`)
      assert.equal((await call(a, 'GET', '/me', session(value))).status, 401)
    })

    it('blocking the account in one process ends its cached sessions in the other within 50 ms', async () => {
      const [a, b] = apps
      const { value } = await signUpAndIn(a)
      await warm(a, value)
      await warm(b, value)
      assert.equal((await call(a, 'PATCH', '/v1/account/status', session(value), {})).status, 200)
      const blockedAt = performance.now()
      const ms = await msUntil(blockedAt, async () => (await call(b, 'GET', '/me', session(value))).status !== 200)
      assert.ok(ms < DELIVERY_MS, `the other process still served the blocked account for ${ms.toFixed(1)} ms`)
    })

    it('a password change that ends the other sessions reaches the other process within 50 ms', async () => {
      const [a, b] = apps
      const { email, value } = await signUpAndIn(a)
      const other = await signIn(a, email)
      await warm(b, other)
      const res = await call(a, 'PATCH', '/v1/account/password', session(value), { password: `${PASSWORD}-new`, oldPassword: PASSWORD })
      assert.equal(res.status, 200)
      const changedAt = performance.now()
      const ms = await msUntil(changedAt, async () => (await call(b, 'GET', '/me', session(other))).status === 401)
      assert.ok(ms < DELIVERY_MS, `refused after ${ms.toFixed(1)} ms`)
    })

    it('turning MFA on in one process shows in the other within 50 ms (the account is re-read)', async () => {
      const [a, b] = apps
      const { value } = await signUpAndIn(a)
      await warm(b, value)
      assert.equal((await call(b, 'GET', '/me', session(value))).body!.mfa, false)
      assert.equal((await call(a, 'PATCH', '/v1/account/mfa', session(value), { mfa: true })).status, 200)
      const at = performance.now()
      const ms = await msUntil(at, async () => (await call(b, 'GET', '/me', session(value))).body?.mfa === true)
      assert.ok(ms < DELIVERY_MS, `the other process kept the old account for ${ms.toFixed(1)} ms`)
    })
  })

  describe('on the 3-master Cluster', () => {
    let client: TestClusterClient
    before(async function () {
      this.timeout(30_000)
      client = (await sharedCluster()).client
    })

    it('hits cost no round trip; a delete through another store is refused within 50 ms', async () => {
      const prefix = uniquePrefix('csc-cluster')
      const reader = new RedisStore({ client, prefix, clientSideCache: { maxEntries: 100, leaseMs: 200 } })
      const writer = new RedisStore({ client, prefix, clientSideCache: true })
      try {
        assert.equal(await reader.clientSideCacheReady(), true)
        const a = makeAccount()
        await writer.insertAccount(a)
        const sessions = [1, 2, 3].map((i) => makeSession(a.id, { createdAt: Date.now() + i }))
        for (const s of sessions) await writer.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
        await sleep(100) // the writes' own pushes have arrived: they'd drop a fresh entry (safely, but the count below)
        for (const s of sessions) await reader.getSessionWithAccount(a.id, s.id)
        assert.equal(reader.cachedSessions, 3)
        const masters = await Promise.all(client.masters.map((m) => client.nodeClient(m)))
        const before = await dataReads(masters)
        for (let i = 0; i < 20; i++) assert.deepEqual((await reader.getSessionWithAccount(a.id, sessions[1].id)).session, sessions[1])
        assert.equal(await dataReads(masters), before)
        assert.equal(await writer.deleteSession(a.id, sessions[1].id), true)
        const deletedAt = performance.now()
        const ms = await msUntil(deletedAt, async () => (await reader.getSessionWithAccount(a.id, sessions[1].id)).session === null)
        assert.ok(ms < DELIVERY_MS, `refused after ${ms.toFixed(1)} ms`)
        // The account's other sessions were dropped with it and are read again, still valid.
        assert.deepEqual((await reader.getSessionWithAccount(a.id, sessions[0].id)).session, sessions[0])
      } finally {
        await reader.close()
        await writer.close()
      }
    })
  })
})
