import assert from 'node:assert/strict'
import request from 'supertest'
import { RedisStore } from '../../lib/store/redis-store.js'
import { API_KEY, PROJECT, freshEmail, makeApp, signIn, signUpAndIn } from '../support/app.js'
import { connectedClient, deleteByPrefix, describeRedis, dumpByPrefix, redisUrl, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { forEachMaster, sharedCluster } from '../support/redis-cluster.js'

/** Commands the servers executed, by name, from `INFO commandstats` (summed over nodes). */
async function commandStats(nodes: TestRedisClient[]): Promise<Map<string, number>> {
  const stats = new Map<string, number>()
  for (const node of nodes) {
    const info = await node.info('commandstats')
    for (const line of info.split('\n')) {
      const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
      if (m) stats.set(m[1]!, (stats.get(m[1]!) ?? 0) + Number(m[2]))
    }
  }
  return stats
}

interface Target {
  name: string
  /** A store under `prefix`, and the clients of every node it writes to. */
  open(prefix: string): Promise<{ store: RedisStore; nodes: TestRedisClient[]; close(): Promise<void> }>
}

const SINGLE: Target = {
  name: 'RedisStore',
  async open(prefix) {
    const client = await connectedClient()
    const store = new RedisStore({ url: redisUrl(), prefix })
    return {
      store, nodes: [client],
      async close() {
        await deleteByPrefix(client, prefix)
        await store.close()
        await client.close()
      },
    }
  },
}

/** The run's 3-master cluster: scripts and multi-key reads of every route must stay on one slot. */
const CLUSTER: Target = {
  name: 'RedisStore on Cluster',
  async open(prefix) {
    const { client } = await sharedCluster()
    const store = new RedisStore({ client, prefix })
    // The cluster is thrown away at the end of the run: no key cleanup.
    return { store, nodes: await forEachMaster(client, async (node) => node), close: () => store.close() }
  },
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>()
  for (const [name, calls] of after) {
    const n = calls - (before.get(name) ?? 0)
    if (n > 0 && name !== 'info') d.set(name, n)
  }
  return d
}

for (const target of [SINGLE, CLUSTER]) describeRedis(`router on ${target.name}`, function () {
  let nodes: TestRedisClient[]
  let prefix: string
  let close: () => Promise<void>
  let app: ReturnType<typeof makeApp>['app']

  before(async function () {
    this.timeout(30_000) // the first Cluster user starts the run's cluster
    prefix = uniquePrefix('router')
    const opened = await target.open(prefix)
    nodes = opened.nodes
    close = opened.close
    app = makeApp({ store: opened.store }).app
  })

  after(async () => {
    await close?.()
  })

  it('runs sign-up, sign-in, account read and session listing', async () => {
    const user = await signUpAndIn(app)
    const me = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(me.body.$id, user.id)
    const list = await request(app).get('/v1/account/sessions').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(list.body.total, 1)
  })

  it('requireSession() costs one Redis command and no writes per request', async () => {
    const user = await signUpAndIn(app)
    await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200) // warm the connection
    const before = await commandStats(nodes)
    for (let i = 0; i < 5; i++) await request(app).get('/api/me').set('Cookie', `a_session_${PROJECT}=${user.value}`).expect(200)
    const used = delta(before, await commandStats(nodes))
    const total = [...used.values()].reduce((a, b) => a + b, 0)
    assert.equal(total, 5, `commands per 5 requests: ${JSON.stringify([...used])}`)
    assert.deepEqual([...used.keys()], ['mget'])
  })

  it('requireSession() with a JWT also costs one Redis command', async () => {
    const user = await signUpAndIn(app)
    const token = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({}).expect(201)).body.jwt as string
    await request(app).get('/api/me').set('Authorization', `Bearer ${token}`).expect(200)
    const before = await commandStats(nodes)
    for (let i = 0; i < 5; i++) await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    const used = delta(before, await commandStats(nodes))
    assert.deepEqual([...used], [['mget', 5]])
  })

  it('evicts the oldest of 11 sessions and upgrades an anonymous account in place', async () => {
    const user = await signUpAndIn(app)
    for (let i = 0; i < 10; i++) await signIn(app, user.email, user.password)
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(401)
    const anon = await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Key', API_KEY).expect(201)
    const email = freshEmail()
    const up = await request(app).patch('/v1/account/email').set('X-Appwrite-Session', anon.body.secret).send({ email, password: 'anon-upgrade-pw' }).expect(200)
    assert.equal(up.body.$id, anon.body.userId)
    const s = await request(app).post('/v1/account/sessions/email').send({ email, password: 'anon-upgrade-pw' }).expect(201)
    assert.equal(s.body.userId, anon.body.userId)
  })

  it('keeps prefs intact after a refused oversized update', async () => {
    const user = await signUpAndIn(app)
    await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: { a: 1 } }).expect(200)
    await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: { a: 'x'.repeat(66_000) } }).expect(400)
    const prefs = await request(app).get('/v1/account/prefs').set('X-Appwrite-Session', user.value).expect(200)
    assert.deepEqual(prefs.body, { a: 1 })
  })

  it('stores no raw password, session secret or session value anywhere', async () => {
    const password = 'Unmistakable-Password-42'
    const email = freshEmail()
    await request(app).post('/v1/account').send({ userId: 'unique()', email, password }).expect(201)
    const sessions = [await signIn(app, email, password), await signIn(app, email, password)]
    const anon = await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Key', API_KEY).expect(201)
    const secrets = [...sessions.map((s) => s.value), anon.body.secret as string].flatMap((value) => {
      const { secret } = JSON.parse(Buffer.from(value, 'base64').toString()) as { secret: string }
      return [value, secret]
    })
    const dumps = await Promise.all(nodes.map((node) => dumpByPrefix(node, prefix)))
    const keys = dumps.flatMap((d) => d.keys)
    const values = dumps.flatMap((d) => d.values)
    assert.ok(keys.length > 5)
    const dump = [...keys, ...values].join('\n')
    assert.ok(!dump.includes(password), 'password found in Redis')
    for (const s of secrets) assert.ok(!dump.includes(s), 'session secret found in Redis')
  })
})
