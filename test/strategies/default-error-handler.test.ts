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
import { withRetryAfter } from '../../lib/retry-after.js'
import { EmailOtpStrategy, PasswordStrategy } from '../../strategies/index.js'
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
    // A wait set after construction (the bcrypt gate's withRetryAfter) is what the header says.
    assert.deepEqual(withRetryAfter(new AccountsError('general_server_busy'), 1).headers, { 'Retry-After': '1' })
  })
})

/**
 * One app, as a host builds it: the router at /v1 and strategies on routes of its own, and no
 * error handler but Express' default one. Every status must still be right on both.
 */
describe("Express' default error handler with the router and a strategy in the same app", function () {
  function hostApp(accounts: ExpressAccounts) {
    const pp = new passport.Passport()
    pp.use(new PasswordStrategy({ accounts }))
    pp.use(new EmailOtpStrategy({ accounts }))
    const app = express()
    app.set('env', 'test')
    app.use('/v1', accounts.router())
    app.use(express.json())
    app.post('/login', pp.authenticate('password', { session: false, failWithError: true }), (_req, res) => { res.json({ ok: true }) })
    app.post('/otp', pp.authenticate('email-otp', { session: false, failWithError: true }), (_req, res) => { res.json({ ok: true }) })
    // No app.use((err, req, res, next) => …): Express' finalhandler renders whatever arrives.
    return app
  }

  it('401 from the strategy and from the router', async () => {
    const accounts = createAccounts({ project: PROJECT, secret: SECRET, bcryptCost: 4, rateLimits: false })
    const app = hostApp(accounts)
    await accounts.createAccount({ email: 'both401@example.com', password: 'right-password-1' })
    await request(app).post('/login').send({ email: 'both401@example.com', password: 'wrong-password!' }).expect(401)
    const res = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Project', PROJECT).send({ email: 'both401@example.com', password: 'wrong-password!' }).expect(401)
    assert.equal(res.body.type, 'user_invalid_credentials')
  })

  it('429 with Retry-After from the shared limits, on the strategy and on the router', async () => {
    const accounts = createAccounts({ project: PROJECT, secret: SECRET, bcryptCost: 4, rateLimits: true })
    const app = hostApp(accounts)
    const body = { email: 'both429@example.com', password: 'wrong-password!' }
    // The per-(IP, email) attempt limit of POST /account/sessions/email is 10: the strategy and
    // the router count against the same limit.
    for (let i = 0; i < 10; i++) await request(app).post(i % 2 ? '/login' : '/v1/account/sessions/email').set('X-Appwrite-Project', PROJECT).send(body)
    // The strategy refuses with passport's fail(…, 429) (so failureRedirect / failureFlash work);
    // failWithError turns that into passport's AuthenticationError, which carries the status.
    await request(app).post('/login').send(body).expect(429)
    const viaRouter = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Project', PROJECT).send(body).expect(429)
    assert.equal(viaRouter.body.type, 'general_rate_limit_exceeded')
    assert.ok(Number(viaRouter.headers['retry-after']) >= 1)
  })

  it('503 with Retry-After: the store unreachable (strategy and router), and the OTP strategy without a mailer', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await closedPort()}` })
    const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, bcryptCost: 4, rateLimits: false })
    try {
      const app = hostApp(accounts)
      const body = { email: 'both503@example.com', password: 'any-password' }
      const viaStrategy = await request(app).post('/login').send(body).expect(503)
      assert.equal(viaStrategy.headers['retry-after'], '2')
      const viaRouter = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Project', PROJECT).send(body).expect(503)
      assert.equal(viaRouter.body.type, 'store_unavailable')
      assert.equal(viaRouter.headers['retry-after'], '2')
      // The OTP strategy passes 503 general_smtp_disabled to error() when no mailer is set.
      const otp = await request(app).post('/otp').send({ email: 'both503@example.com' }).expect(503)
      assert.equal(otp.headers['retry-after'], '2')
    } finally {
      await store.close()
    }
  })
})
