import assert from 'node:assert/strict'
import { createCluster } from 'redis'
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
