/**
 * Finding 11 of issue 9: the example's own routes (not only the router) answer bad input and
 * store faults Appwrite-shaped, never with Express' HTML error page and its stack trace.
 * The example runs on its own `redis-server`, which the test kills.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { createExampleApp, type Example } from '../../example/app.js'
import { startRedisServer, type RedisServer } from '../support/redis-server.js'
import { requireRedisOrSkip } from '../support/redis.js'

const API_KEY = 'example-test-key-0123456789'
const SECRET = 'example-test-secret-at-least-32-bytes!'
const PASSWORD = 'correct-horse-battery'

function assertAppwrite(res: request.Response, status: number, type: string | RegExp): void {
  assert.equal(res.status, status, res.text)
  assert.match(res.headers['content-type'] as string, /application\/json/)
  assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'type', 'version'])
  assert.equal(res.body.code, status)
  if (typeof type === 'string') assert.equal(res.body.type, type)
  else assert.match(res.body.type as string, type)
  assert.ok(!/\n\s+at /.test(res.text), 'no stack trace')
}

describe('example app: its own routes on bad input and a store outage', function () {
  this.timeout(20_000)
  let redis: RedisServer
  let example: Example
  let cookie: string

  before(async function () {
    requireRedisOrSkip(this)
    redis = await startRedisServer()
    example = createExampleApp({ REDIS_URL: redis.url, ACCOUNTS_API_KEY: API_KEY, ACCOUNTS_SECRET: SECRET }, { warn: () => undefined, log: () => undefined })
    const email = `faults.${process.pid}.${Date.now()}@example.com`
    await request(example.app).post('/v1/account').send({ userId: 'unique()', email, password: PASSWORD }).expect(201)
    const res = await request(example.app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email, password: PASSWORD }).expect(201)
    const raw = res.headers['set-cookie'] as unknown as string[]
    cookie = raw.map((c) => c.split(';')[0]!).find((c) => c.startsWith('a_session_demo='))!
  })

  after(async () => {
    await example?.close()
    await redis?.stop()
  })

  it('POST /mfa/qr with malformed JSON → 400 general_argument_invalid JSON', async () => {
    const res = await request(example.app).post('/mfa/qr').set('Cookie', cookie).set('Content-Type', 'application/json').send('{"uri":')
    assertAppwrite(res, 400, 'general_argument_invalid')
  })

  it('POST /mfa/qr with a body over its 2 kB limit → 400 JSON', async () => {
    const res = await request(example.app).post('/mfa/qr').set('Cookie', cookie).send({ uri: 'x'.repeat(4000) })
    assertAppwrite(res, 400, 'general_argument_invalid')
  })

  it('Redis down: /api/me, GET /mfa, POST /mfa/qr and the router answer 503 JSON with Retry-After', async () => {
    await request(example.app).get('/api/me').set('Cookie', cookie).expect(200)
    await redis.stop()
    for (const [method, path] of [['get', '/api/me'], ['get', '/mfa'], ['post', '/mfa/qr'], ['get', '/v1/account']] as const) {
      const res = await request(example.app)[method](path).set('Cookie', cookie).send(method === 'post' ? { uri: 'otpauth://totp/x' } : undefined)
      assertAppwrite(res, 503, /^store_(unavailable|timeout)$/)
      assert.ok(Number(res.headers['retry-after']) > 0, `${path}: Retry-After`)
    }
    redis = await redis.restart()
  })
})
