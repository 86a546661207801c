import assert from 'node:assert/strict'
import { RedisStore } from '../../lib/store/redis-store.js'
import { sharedCluster, type TestClusterClient } from '../support/redis-cluster.js'
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
