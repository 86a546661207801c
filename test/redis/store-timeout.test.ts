/**
 * A store call that never settles: a real RedisStore against a real server that `CLIENT PAUSE`
 * holds every command of. The request is answered `503 store_timeout` with Retry-After within
 * the store timeout, and served again once the server answers, without a restart.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeApp, signUpAndIn } from '../support/app.js'
import { startRedisServer, type RedisServer } from '../support/redis-server.js'
import { connectedClient, requireRedisOrSkip, type TestRedisClient } from '../support/redis.js'

/** Seconds. */
const STORE_TIMEOUT = 0.3
const PAUSE_MS = 2500

describe('store timeout (a paused Redis)', function () {
  this.timeout(20_000)
  let redis: RedisServer
  let admin: TestRedisClient
  let store: RedisStore
  let app: ReturnType<typeof makeApp>['app']

  before(async function () {
    requireRedisOrSkip(this)
    // Its own server: CLIENT PAUSE holds every client of a server, other suites' included.
    redis = await startRedisServer()
    admin = await connectedClient(redis.url)
    store = new RedisStore({ url: redis.url })
    app = makeApp({ store, storeTimeout: STORE_TIMEOUT }).app
  })

  after(async () => {
    await admin?.sendCommand(['CLIENT', 'UNPAUSE']).catch(() => undefined)
    await admin?.close()
    await store?.close()
    await redis?.stop()
  })

  it('answers 503 store_timeout with Retry-After within the timeout, then 200 again', async () => {
    const user = await signUpAndIn(app)
    await admin.sendCommand(['CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL'])
    const started = Date.now()
    const [router, guarded] = await Promise.all([
      request(app).get('/v1/account').set('X-Appwrite-Session', user.value),
      request(app).get('/api/me').set('X-Appwrite-Session', user.value),
    ])
    // Answered while the server still holds the commands: the deadline, not Redis, ended them.
    assert.ok(Date.now() - started < PAUSE_MS - 1000, `answered after ${Date.now() - started} ms`)
    for (const res of [router, guarded]) {
      assert.equal(res.status, 503)
      assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'type', 'version'])
      assert.equal(res.body.type, 'store_timeout')
      assert.equal(res.headers['retry-after'], '2')
      assert.match(res.headers['content-type'] as string, /application\/json/)
    }
    await admin.sendCommand(['CLIENT', 'UNPAUSE'])
    const me = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(me.body.$id, user.id)
  })

  it('rejects a bad storeTimeout, naming the option', () => {
    for (const bad of [0, -1, 301, Number.NaN, '3']) {
      assert.throws(() => makeApp({ storeTimeout: bad as number }), (e: Error) => e instanceof TypeError && /storeTimeout/.test(e.message))
    }
  })
})
