/**
 * An app with passport and no `accounts.errorHandler()`: Express' own default handler renders
 * what a strategy passes on with the right status, because AccountsError carries `status`,
 * `statusCode`, `expose` and `headers` (Retry-After) as http-errors do.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import express from 'express'
import passport from 'passport'
import request from 'supertest'
import { AccountsError, createAccounts, RedisStore, type ExpressAccounts } from '../../lib/index.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { API_KEY, PROJECT, SECRET, makeApp, signUp } from '../support/app.js'

function appWith(accounts: ExpressAccounts, verify?: () => never) {
  const pp = new passport.Passport()
  pp.use(new PasswordStrategy({ accounts, verify }))
  const app = express()
  app.set('env', 'test') // Express' default handler logs every error's stack outside 'test'
  app.use(express.json())
  app.post('/login', pp.authenticate('password', { session: false, failWithError: true }), (_req, res) => { res.json({ ok: true }) })
  return app
}

/** A loopback port nothing listens on: a real connection refused. */
async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()))
  const { port } = srv.address() as net.AddressInfo
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

describe("Express' default error handler renders what strategies pass on", function () {
  it('401: wrong password (fail → passport AuthenticationError) and an AccountsError 401 passed to error()', async () => {
    const { accounts, app: router } = makeApp()
    const user = await signUp(router)
    await request(appWith(accounts)).post('/login').send({ email: user.email, password: 'wrong-password!' }).expect(401)
    const refusing = appWith(accounts, () => { throw new AccountsError('user_unauthorized') })
    await request(refusing).post('/login').send({ email: user.email, password: user.password }).expect(401)
  })

  it('429 with its Retry-After', async () => {
    const { accounts, app: router } = makeApp()
    const user = await signUp(router)
    const limited = appWith(accounts, () => { throw new AccountsError('general_rate_limit_exceeded', undefined, { retryAfter: 30 }) })
    const res = await request(limited).post('/login').send({ email: user.email, password: user.password }).expect(429)
    assert.equal(res.headers['retry-after'], '30')
  })

  it('503 with Retry-After when the store is unreachable (a real refused connection)', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await closedPort()}` })
    const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false })
    try {
      const res = await request(appWith(accounts)).post('/login').send({ email: 'who@example.com', password: 'any-password' }).expect(503)
      assert.equal(res.headers['retry-after'], '2')
    } finally {
      await store.close()
    }
  })

  it('AccountsError carries status, statusCode, expose, cause and retryAfter', () => {
    const cause = new Error('socket closed')
    const e = new AccountsError('store_unavailable', undefined, { cause })
    assert.deepEqual([e.status, e.statusCode, e.code, e.expose, e.cause, e.retryAfter], [503, 503, 503, false, cause, undefined])
    assert.deepEqual(e.headers, { 'Retry-After': '2' })
    const four = new AccountsError('user_invalid_credentials')
    assert.deepEqual([four.status, four.expose, four.headers, four.message], [401, true, undefined, 'Invalid credentials. Please check the email and password.'])
    assert.equal(new AccountsError('store_timeout', 'custom', { retryAfter: 7 }).headers?.['Retry-After'], '7')
    assert.throws(() => new AccountsError('store_timeout', undefined, { retryAfter: -1 }), TypeError)
  })
})
