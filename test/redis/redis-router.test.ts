import assert from 'node:assert/strict'
import request from 'supertest'
import { RedisStore } from '../../lib/store/redis-store.js'
import { API_KEY, PROJECT, freshEmail, makeApp, signIn, signUpAndIn } from '../support/app.js'
import { connectedClient, deleteByPrefix, describeRedis, dumpByPrefix, redisUrl, uniquePrefix, type TestRedisClient } from '../support/redis.js'

/** Commands the server executed, by name, from `INFO commandstats`. */
async function commandStats(client: TestRedisClient): Promise<Map<string, number>> {
  const info = await client.info('commandstats')
  const stats = new Map<string, number>()
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
    if (m) stats.set(m[1], Number(m[2]))
  }
  return stats
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const d = new Map<string, number>()
  for (const [name, calls] of after) {
    const n = calls - (before.get(name) ?? 0)
    if (n > 0 && name !== 'info') d.set(name, n)
  }
  return d
}

describeRedis('router on RedisStore', () => {
  let client: TestRedisClient
  let prefix: string
  let store: RedisStore
  let app: ReturnType<typeof makeApp>['app']

  before(async () => {
    client = await connectedClient()
    prefix = uniquePrefix('router')
    store = new RedisStore({ url: redisUrl(), prefix })
    app = makeApp({ store }).app
  })

  after(async () => {
    await deleteByPrefix(client, prefix)
    await store.close()
    await client.close()
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
    const before = await commandStats(client)
    for (let i = 0; i < 5; i++) await request(app).get('/api/me').set('Cookie', `a_session_${PROJECT}=${user.value}`).expect(200)
    const used = delta(before, await commandStats(client))
    const total = [...used.values()].reduce((a, b) => a + b, 0)
    assert.equal(total, 5, `commands per 5 requests: ${JSON.stringify([...used])}`)
    assert.deepEqual([...used.keys()], ['mget'])
  })

  it('requireSession() with a JWT also costs one Redis command', async () => {
    const user = await signUpAndIn(app)
    const token = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({}).expect(201)).body.jwt as string
    await request(app).get('/api/me').set('Authorization', `Bearer ${token}`).expect(200)
    const before = await commandStats(client)
    for (let i = 0; i < 5; i++) await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    const used = delta(before, await commandStats(client))
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
    const { keys, values } = await dumpByPrefix(client, prefix)
    assert.ok(keys.length > 5)
    const dump = [...keys, ...values].join('\n')
    assert.ok(!dump.includes(password), 'password found in Redis')
    for (const s of secrets) assert.ok(!dump.includes(s), 'session secret found in Redis')
  })
})
