import assert from 'node:assert/strict'
import request from 'supertest'
import { API_KEY, freshEmail, makeApp, signUp, signUpAndIn } from '../support/app.js'

const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/

describe('router: /account', () => {
  const { app } = makeApp()

  it('signs up: 201 Account in Appwrite key order, no password fields', async () => {
    const email = freshEmail('Upper')
    const res = await request(app).post('/v1/account').send({ userId: 'unique()', email, password: 'password-123', name: 'Ann' }).expect(201)
    assert.deepEqual(Object.keys(res.body), [
      '$id', '$createdAt', '$updatedAt', 'name', 'registration', 'status', 'labels', 'passwordUpdate', 'email', 'phone',
      'emailVerification', 'emailCanonical', 'emailIsFree', 'emailIsDisposable', 'emailIsCorporate', 'emailIsCanonical',
      'phoneVerification', 'mfa', 'prefs', 'targets', 'accessedAt', 'impersonator', 'impersonatorUserId',
    ])
    assert.equal(res.body.email, email.toLowerCase())
    assert.match(res.body.$createdAt, DATETIME)
    assert.equal(res.body.emailCanonical, email.toLowerCase())
    assert.equal(res.body.emailIsCorporate, !res.body.emailIsFree && !res.body.emailIsDisposable)
    assert.deepEqual(res.body.prefs, {})
    assert.equal(res.body.targets[0].providerType, 'email')
    assert.match(res.headers['content-type'], /^application\/json/)
    assert.ok(!JSON.stringify(res.body).includes('password-123'))
  })

  it('answers 409 for a duplicate email and 400 for bad input', async () => {
    const user = await signUp(app)
    const dup = await request(app).post('/v1/account').send({ userId: 'unique()', email: user.email, password: 'password-123' }).expect(409)
    assert.equal(dup.body.type, 'user_already_exists')
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: freshEmail(), password: 'password-123' }, 'Param "userId" is not optional.'],
      [{ userId: 'unique()', email: 'nope', password: 'password-123' }, 'Invalid `email` param: Value must be a valid email address'],
      [{ userId: 'unique()', email: freshEmail(), password: 'short' }, 'Invalid `password` param: Password must be between 8 and 256 characters long.'],
      [{ userId: 'x'.repeat(37), email: freshEmail(), password: 'password-123' }, 'Invalid `userId` param'],
      [{ userId: 'unique()', email: freshEmail(), password: 12345678 }, 'Invalid `password` param'],
    ]
    for (const [body, message] of cases) {
      const res = await request(app).post('/v1/account').send(body).expect(400)
      assert.equal(res.body.type, 'general_argument_invalid')
      assert.ok(res.body.message.startsWith(message), res.body.message)
    }
  })

  it('reads, renames and re-passwords the account', async () => {
    const user = await signUpAndIn(app)
    const me = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(me.body.email, user.email)
    const renamed = await request(app).patch('/v1/account/name').set('X-Appwrite-Session', user.value).send({ name: 'Zoë' }).expect(200)
    assert.equal(renamed.body.name, 'Zoë')
    await request(app).patch('/v1/account/name').set('X-Appwrite-Session', user.value).send({}).expect(400)
    const bad = await request(app).patch('/v1/account/password').set('X-Appwrite-Session', user.value).send({ password: 'new-password-1', oldPassword: 'wrong-one!' }).expect(401)
    assert.equal(bad.body.type, 'user_invalid_credentials')
    await request(app).patch('/v1/account/password').set('X-Appwrite-Session', user.value).send({ password: 'new-password-1', oldPassword: user.password }).expect(200)
    await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: 'new-password-1' }).expect(201)
  })

  it('replaces prefs, refuses over 64 KB and keeps the old ones', async () => {
    const user = await signUpAndIn(app)
    await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: { theme: 'dark' } }).expect(200)
    const big = await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: { blob: 'x'.repeat(70_000) } }).expect(400)
    assert.equal(big.body.type, 'general_argument_invalid')
    await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: 'dark' }).expect(400)
    const prefs = await request(app).get('/v1/account/prefs').set('X-Appwrite-Session', user.value).expect(200)
    assert.deepEqual(prefs.body, { theme: 'dark' })
  })

  it('refuses non-finite numbers in prefs (1e400 parses to Infinity, which JSON would store as null) and keeps the old ones', async () => {
    const user = await signUpAndIn(app)
    await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).send({ prefs: { theme: 'dark' } }).expect(200)
    for (const raw of ['{"prefs":{"a":1e400}}', '{"prefs":{"n":{"deep":[1,-1e999]}}}']) {
      const r = await request(app).patch('/v1/account/prefs').set('X-Appwrite-Session', user.value).set('Content-Type', 'application/json').send(raw).expect(400)
      assert.equal(r.body.type, 'general_argument_invalid')
      assert.match(r.body.message, /prefs/)
    }
    const prefs = await request(app).get('/v1/account/prefs').set('X-Appwrite-Session', user.value).expect(200)
    assert.deepEqual(prefs.body, { theme: 'dark' })
  })

  it('blocks itself with PATCH /account/status: cookies cleared, then 403', async () => {
    const user = await signUpAndIn(app)
    const res = await request(app).patch('/v1/account/status').set('X-Appwrite-Session', user.value).send({}).expect(200)
    assert.equal(res.body.status, false)
    assert.equal(res.headers['x-fallback-cookies'], '[]')
    const after = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(403)
    assert.equal(after.body.type, 'user_blocked')
    const signIn = await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(403)
    assert.equal(signIn.body.type, 'user_blocked')
    await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(403)
  })

  it('deletes the account with DELETE /account', async () => {
    const user = await signUpAndIn(app)
    await request(app).delete('/v1/account').set('X-Appwrite-Session', user.value).set('Content-Type', 'application/json').send('{}').expect(204)
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(401)
    await request(app).post('/v1/account').send({ userId: 'unique()', email: user.email, password: 'password-123' }).expect(201)
  })

  it('refuses account routes to guests and to a key without a session', async () => {
    const guest = await request(app).get('/v1/account').expect(401)
    assert.deepEqual(guest.body, { message: 'User (role: guests) missing scopes (["account"])', code: 401, type: 'general_unauthorized_scope', version: '1.9.6' })
    const key = await request(app).get('/v1/account').set('X-Appwrite-Key', API_KEY).expect(401)
    assert.equal(key.body.type, 'general_unauthorized_scope')
    const badKey = await request(app).get('/v1/account').set('X-Appwrite-Key', 'not-a-configured-key').expect(401)
    assert.equal(badKey.body.type, 'general_unauthorized_scope')
  })
})
