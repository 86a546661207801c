/**
 * `requireSession()` answers every failure itself, Appwrite-shaped: a store outage is `503`
 * with Retry-After (even with `redirectTo`: an outage is no reason to send a signed-in user to
 * the login page), a bug is `500 general_unknown`, logged once; never Express' HTML error page
 * with its stack trace.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import express from 'express'
import request from 'supertest'
import { RedisStore } from '../../lib/store/redis-store.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { storeUnavailable } from '../../lib/store/guarded-store.js'
import { makeApp, signUpAndIn } from '../support/app.js'
import { connectedClient, describeRedis, deleteByPrefix, redisUrl, uniquePrefix, type TestRedisClient } from '../support/redis.js'

const APPWRITE_KEYS = ['code', 'message', 'type', 'version']

/** Runs `fn` with `console.error` captured, and gives back what it answered and what was logged. */
async function withErrorsLogged<T>(fn: () => Promise<T>): Promise<{ value: T; logged: unknown[][] }> {
  const logged: unknown[][] = []
  const original = console.error
  console.error = (...args: unknown[]) => { logged.push(args) }
  try {
    return { value: await fn(), logged }
  } finally {
    console.error = original
  }
}

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()))
  const { port } = srv.address() as net.AddressInfo
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

describe('requireSession() on store faults', () => {
  it('answers 503 store_unavailable with Retry-After when Redis refuses connections, with or without redirectTo', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await closedPort()}` })
    const { app, accounts } = makeApp({ store })
    app.get('/page', accounts.requireSession({ redirectTo: '/login' }), (_req, res) => { res.send('page') })
    try {
      const value = Buffer.from(JSON.stringify({ id: 'someone', secret: 'a'.repeat(64) })).toString('base64')
      for (const path of ['/api/me', '/page']) {
        const res = await request(app).get(path).set('X-Appwrite-Session', value).expect(503)
        assert.deepEqual(Object.keys(res.body).sort(), APPWRITE_KEYS)
        assert.equal(res.body.type, 'store_unavailable')
        assert.equal(res.headers['retry-after'], '2')
        assert.match(res.headers['content-type'] as string, /application\/json/)
      }
    } finally {
      await store.close()
    }
  })
})

describe('requireSession() on a store whose read was replaced', () => {
  it('asks the replaced getSessionWithAccount, never a shortcut past it (MemoryStore answers synchronously otherwise)', async () => {
    const store = new MemoryStore()
    const { app } = makeApp({ store })
    const user = await signUpAndIn(app)
    await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200)
    let calls = 0
    store.getSessionWithAccount = async () => {
      calls++
      throw storeUnavailable(new Error('down for the test'))
    }
    const res = await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(503)
    assert.equal(res.body.type, 'store_unavailable')
    assert.equal(calls, 1)
  })
})

describeRedis('requireSession() on a record it cannot read (a bug, not a fault)', () => {
  let client: TestRedisClient
  let prefix: string
  let store: RedisStore
  before(async () => {
    client = await connectedClient()
    prefix = uniquePrefix('rsfault')
    store = new RedisStore({ url: redisUrl(), prefix })
  })
  after(async () => {
    await deleteByPrefix(client, prefix)
    await store.close()
    await client.close()
  })

  it('answers 500 general_unknown as JSON, logs it once, and never shows a stack trace', async () => {
    const { app: router, accounts } = makeApp({ store })
    const user = await signUpAndIn(router)
    await client.set(`${prefix}{a:${user.id}}:account`, '{not json')
    const app = express()
    app.get('/api/me', accounts.requireSession(), (_req, res) => { res.json({}) })
    const { value: res, logged } = await withErrorsLogged(() => request(app).get('/api/me').set('X-Appwrite-Session', user.value))
    assert.equal(res.status, 500)
    assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: res.body.version })
    assert.ok(!res.text.includes('at '), 'no stack trace in the answer')
    assert.equal(logged.length, 1)
    assert.ok(logged[0]!.some((a) => a instanceof SyntaxError))
  })
})

describe('requireSession() concluding records found at hand (MemoryStore, a cache hit)', () => {
  // The check after the lookup runs from setImmediate: a throw there is no longer inside
  // Express' try/catch, and unanswered it would end the process. Each case must still be
  // answered Appwrite-shaped (a bug: 500, logged once) and leave the server serving.
  it('answers a throw in the checks with 500 general_unknown, logged once, and keeps serving', async () => {
    const { app, accounts } = makeApp({ store: new MemoryStore() })
    const user = await signUpAndIn(app)
    const original = accounts.mfa.needsMoreFactors
    accounts.mfa.needsMoreFactors = () => {
      throw new Error('bug in a check')
    }
    let answered: Awaited<ReturnType<typeof withErrorsLogged<request.Response>>>
    try {
      answered = await withErrorsLogged(() => request(app).get('/api/me').set('X-Appwrite-Session', user.value))
    } finally {
      accounts.mfa.needsMoreFactors = original
    }
    const { value: res, logged } = answered
    assert.equal(res.status, 500)
    assert.deepEqual(Object.keys(res.body).sort(), APPWRITE_KEYS)
    assert.equal(res.body.type, 'general_unknown')
    assert.equal(logged.length, 1)
    await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200)
  })

  it('answers a throw with redirectTo set the same way (a bug is no reason to redirect)', async () => {
    const { app, accounts } = makeApp({ store: new MemoryStore() })
    app.get('/page', accounts.requireSession({ redirectTo: '/login' }), (_req, res) => { res.send('page') })
    const user = await signUpAndIn(app)
    const original = accounts.mfa.needsMoreFactors
    accounts.mfa.needsMoreFactors = () => {
      throw new Error('bug in a check')
    }
    try {
      await withErrorsLogged(() => request(app).get('/page').set('X-Appwrite-Session', user.value).expect(500))
    } finally {
      accounts.mfa.needsMoreFactors = original
    }
  })

  it('leaves a throw in the app handler after next() to Express, answered once', async () => {
    const { app, accounts } = makeApp({ store: new MemoryStore() })
    app.get('/boom', accounts.requireSession(), () => {
      throw new Error('handler bug')
    })
    const seen: unknown[] = []
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(err)
      res.status(418).json({ handled: true })
    })
    const user = await signUpAndIn(app)
    const res = await request(app).get('/boom').set('X-Appwrite-Session', user.value).expect(418)
    assert.deepEqual(res.body, { handled: true })
    assert.equal(seen.length, 1)
  })

  it('answers many concurrent requests, each with its own account', async () => {
    const { app } = makeApp({ store: new MemoryStore() })
    const users = await Promise.all([0, 1, 2, 3].map(() => signUpAndIn(app)))
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => request(app).get('/api/me').set('X-Appwrite-Session', users[i % 4]!.value)))
    answers.forEach((res, i) => {
      assert.equal(res.status, 200)
      assert.equal(res.body.account.$id, users[i % 4]!.id)
      assert.equal(res.body.session.userId, users[i % 4]!.id)
    })
  })
})
