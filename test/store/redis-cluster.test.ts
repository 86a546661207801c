import assert from 'node:assert/strict'
import express from 'express'
import { createCluster } from 'redis'
import request from 'supertest'
import { createAccounts } from '../../lib/index.js'
import { AccountsError } from '../../lib/errors.js'
import { encodeSessionValue } from '../../lib/session-value.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { sharedCluster, startCluster, type TestCluster, type TestClusterClient } from '../support/redis-cluster.js'
import { describeRedis, uniquePrefix } from '../support/redis.js'
import { storeContract } from '../../lib/testing/index.js'
import { makeAccount, makeSession } from '../../lib/testing/fixtures.js'

// The whole contract again, on a 3-master cluster: any multi-key command or script spanning
// slots fails here with CROSSSLOT, which a single server would silently accept.
describeRedis('RedisStore on Redis Cluster', function () {
  let client: TestClusterClient
  before(async function () {
    this.timeout(30_000)
    // The run's one cluster (the router conformance suites rerun on it too).
    client = (await sharedCluster()).client
  })

  // Each test gets its own prefix; the servers are thrown away at the end, so no key cleanup.
  storeContract('RedisStore (cluster)', async () => new RedisStore({ client, prefix: uniquePrefix('cluster') }))

  // (node-redis splits a cross-slot MGET per node by itself; scripts it can't split.)
  it('rejects a cross-slot script, so the contract run above really checks slots', async () => {
    await assert.rejects(client.eval('return 1', { keys: ['a', 'b'], arguments: [] }), /CROSSSLOT/)
  })

  it('reindexAccounts() finds the accounts on every master and rewrites the index in its own slot', async () => {
    const prefix = uniquePrefix('cluster')
    const store = new RedisStore({ client, prefix })
    const made = Array.from({ length: 6 }, (_, i) => makeAccount({ name: `Reindexed${i} Rex`, registration: i }))
    for (const a of made) await store.insertAccount(a)
    assert.equal(await store.reindexAccounts(), 6)
    const page = await store.queryAccounts({ filters: [], search: ['reindexed'], order: null, limit: 25, offset: 0, cursor: null, total: true })
    assert.deepEqual(page?.accounts.map((a) => a.id), made.map((a) => a.id))
    assert.equal(page?.total, 6)
  })

  it('serves getSessionWithAccount in one MGET on the account\'s slot', async () => {
    const store = new RedisStore({ client, prefix: uniquePrefix('cluster') })
    const a = makeAccount()
    await store.insertAccount(a)
    const s = makeSession(a.id)
    await store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
    assert.deepEqual(await store.getSessionWithAccount(a.id, s.id), { session: s, account: a })
  })
})

// The hot read goes out as a one-command pipeline routed by its first key, which node-redis
// does not redirect: a slot that moved must fall back to the MGET that follows MOVED.
describeRedis('RedisStore on a Cluster whose slot moved (resharding)', function () {
  let cluster: TestCluster
  let client: ReturnType<typeof createCluster>
  before(async function () {
    this.timeout(60_000)
    // A cluster of its own: moving a slot must not disturb the shared one.
    cluster = await startCluster()
    client = createCluster({ rootNodes: [{ url: cluster.rootUrl }] })
    client.on('error', () => undefined)
    await client.connect()
  })
  after(async () => {
    await client?.close().catch(() => undefined)
    await cluster?.stop()
  })

  it('serves getSessionWithAccount after the account\'s slot moved to another master, and from there on', async function () {
    this.timeout(60_000)
    const prefix = uniquePrefix('moved')
    const store = new RedisStore({ client, prefix })
    const a = makeAccount()
    await store.insertAccount(a)
    const s = makeSession(a.id)
    await store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
    // The client learns where the slot is.
    assert.deepEqual(await store.getSessionWithAccount(a.id, s.id), { session: s, account: a })

    const masters = client.masters
    const nodes = await Promise.all(masters.map((m) => client.nodeClient(m)))
    const slot = Number(await nodes[0].sendCommand(['CLUSTER', 'KEYSLOT', `${prefix}{a:${a.id}}:account`]))
    const ids = await Promise.all(nodes.map(async (n) => String(await n.sendCommand(['CLUSTER', 'MYID']))))
    const counts = await Promise.all(nodes.map(async (n) => Number(await n.sendCommand(['CLUSTER', 'COUNTKEYSINSLOT', String(slot)]))))
    const from = counts.findIndex((c) => c > 0)
    const to = (from + 1) % nodes.length
    await nodes[to].sendCommand(['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', ids[from]])
    await nodes[from].sendCommand(['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', ids[to]])
    const keys = (await nodes[from].sendCommand(['CLUSTER', 'GETKEYSINSLOT', String(slot), '1000'])) as string[]
    await nodes[from].sendCommand(['MIGRATE', masters[to].host, String(masters[to].port), '', '0', '5000', 'KEYS', ...keys])
    // The destination first, then the source, then the rest (Redis' resharding order): the
    // other way round, the source sends clients to a destination still importing, which sends
    // them back (a redirect loop).
    for (const i of [to, from, 3 - to - from]) await nodes[i].sendCommand(['CLUSTER', 'SETSLOT', String(slot), 'NODE', ids[to]])

    // The client still thinks the old master has the slot: its pipelined read gets MOVED.
    assert.deepEqual(await store.getSessionWithAccount(a.id, s.id), { session: s, account: a })
    assert.deepEqual(await store.getSessionWithAccount(a.id, s.id), { session: s, account: a })
  })
})

// A slot no master serves (CLUSTER DELSLOTS, a cluster set up or changed with a hole): node-redis
// 6 reads the slot's master off `undefined` and throws a TypeError before sending anything. That
// is a store that cannot serve now (503 with Retry-After), not a bug of ours (500), and the
// client must find the slot again once it is served: node-redis itself only looks again on a
// MOVED / ASK, which a command it never sends cannot get.
describeRedis('RedisStore on a Cluster with a slot no master serves', function () {
  let cluster: TestCluster
  const clients: TestClusterClient[] = []
  const connect = async () => {
    const c = createCluster({ rootNodes: [{ url: cluster.rootUrl }] })
    c.on('error', () => undefined)
    clients.push(c)
    return c.connect()
  }
  before(async function () {
    this.timeout(60_000)
    cluster = await startCluster()
  })
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)))
    await cluster?.stop()
  })

  it('answers 503 store_unavailable while the slot has no master, and serves it again once it has one', async function () {
    this.timeout(60_000)
    const first = await connect()
    const prefix = uniquePrefix('holed')
    const a = makeAccount()
    const s = makeSession(a.id)
    {
      const store = new RedisStore({ client: first, prefix })
      await store.insertAccount(a)
      await store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
    }
    const nodes = await Promise.all(first.masters.map((m) => first.nodeClient(m)))
    const slot = String(await nodes[0].sendCommand(['CLUSTER', 'KEYSLOT', `${prefix}{a:${a.id}}:account`]))
    const owner = (await Promise.all(nodes.map(async (n) => Number(await n.sendCommand(['CLUSTER', 'COUNTKEYSINSLOT', slot]))))).findIndex((c) => c > 0)
    // Every node forgets the slot (the keys stay on the old owner).
    for (const n of nodes) await n.sendCommand(['CLUSTER', 'DELSLOTS', slot])

    // A client that discovers the cluster now has a hole in its slot map.
    const holed = await connect()
    const warnings: Error[] = []
    const onWarning = (w: Error) => { if ((w as { code?: string }).code === 'EXPRESS_ACCOUNTS_REDIS') warnings.push(w) }
    process.on('warning', onWarning)
    for (const cache of [false, true]) {
      const store = new RedisStore({ client: holed, prefix, clientSideCache: cache })
      await assert.rejects(store.getSessionWithAccount(a.id, s.id), (err: unknown) => {
        assert.ok(err instanceof AccountsError, `${String(err)}`)
        assert.equal(err.type, 'store_unavailable')
        return true
      })
      await assert.rejects(store.getAccount(a.id), (err: unknown) => err instanceof AccountsError && err.type === 'store_unavailable')
    }
    // The same through the router: 503 with Retry-After, not 500.
    const accounts = createAccounts({ store: new RedisStore({ client: holed, prefix }), project: 'p', secret: 'x'.repeat(32), rateLimits: false })
    const app = express()
    app.use('/v1', accounts.router())
    const res = await request(app).get('/v1/account').set('x-appwrite-session', encodeSessionValue({ userId: a.id, secret: 'not-the-secret' }))
    assert.equal(res.status, 503, JSON.stringify(res.body))
    assert.ok(res.headers['retry-after'])
    // Reported, once per spell per store (a 503 is not logged as a 500 is), not once per request.
    await new Promise((r) => setImmediate(r))
    assert.ok(warnings.length >= 1 && warnings.length <= 3, `${warnings.length} warnings`)
    assert.match(warnings[0]!.message, /slot has no master/)
    process.off('warning', onWarning)

    // The slot is served again: the same client finds it without being recreated.
    await nodes[owner].sendCommand(['CLUSTER', 'ADDSLOTS', slot])
    const store = new RedisStore({ client: holed, prefix })
    const deadline = Date.now() + 20_000
    for (;;) {
      const got = await store.getSessionWithAccount(a.id, s.id).catch((err: unknown) => err)
      if (!(got instanceof Error)) {
        assert.deepEqual(got, { session: s, account: a })
        break
      }
      assert.ok(got instanceof AccountsError, `${String(got)}`) // a 503 while the cluster settles, never a bug
      if (Date.now() > deadline) throw new Error(`slot ${slot} still not served: ${got.message}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  })
})
