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

describe('store timeout and busy replies (a paused, then a busy Redis)', function () {
  this.timeout(20_000)
  let redis: RedisServer
  let admin: TestRedisClient
  let store: RedisStore
  let app: ReturnType<typeof makeApp>['app']

  before(async function () {
    requireRedisOrSkip(this)
    // Its own server: CLIENT PAUSE holds every client of a server, other suites' included.
    // busy-reply-threshold: after 50 ms a running script makes Redis answer others `BUSY`.
    redis = await startRedisServer(['--busy-reply-threshold', '50'])
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

  it('answers 503 store_unavailable while Redis replies BUSY (a long script), then 200 again', async () => {
    const user = await signUpAndIn(app)
    const runner = await connectedClient(redis.url)
    try {
      // A script that spins for ~1.5 s: Redis answers every other command `BUSY` meanwhile.
      const spin = runner.eval(`local t = redis.call('TIME')
        repeat local n = redis.call('TIME') until (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 1500000
        return 1`, { keys: [], arguments: [] })
      let spinning = true
      const stopped = () => { spinning = false }
      spin.then(stopped, stopped)
      let res: request.Response
      do {
        res = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value)
      } while (res.status === 200 && spinning) // until the script has passed the threshold
      assert.equal(res.status, 503, res.text)
      assert.equal(res.body.type, 'store_unavailable')
      assert.equal(res.headers['retry-after'], '2')
      await spin
      await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    } finally {
      await runner.close()
    }
  })

  it('rejects a bad storeTimeout, naming the option', () => {
    for (const bad of [0, -1, 301, Number.NaN, '3']) {
      assert.throws(() => makeApp({ storeTimeout: bad as number }), (e: Error) => e instanceof TypeError && /storeTimeout/.test(e.message))
    }
  })
})
