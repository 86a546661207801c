/**
 * `requireSession()` enforces the MFA gate on the host app's own routes (issue 6, "The
 * gate"): a session that owes a second factor gets `401 user_more_factors_required` (or the
 * redirect), `requireSession({ skipMfa: true })` lets it through, and after a challenge the
 * plain guard passes. Same rule for every carrier, JWTs included.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { AccountsError } from '../../lib/index.js'
import { API_KEY, TestClock, makeApp, signUpAndIn, type TestApp } from '../support/app.js'
import { totpCode } from './support.js'

describe('MFA: requireSession() and the gate', function () {
  let t: TestApp
  let clock: TestClock
  let user: Awaited<ReturnType<typeof signUpAndIn>>
  let secret: string
  /** A session made before MFA was turned on (so never credited). */
  let earlier: { value: string; sessionId: string }
  let earlierJwt: string

  const at = (path: string, value: string) => request(t.app).get(path).set('X-Appwrite-Session', value)
  const v1 = (method: 'get' | 'post' | 'put' | 'patch', path: string, value: string) => request(t.app)[method](`/v1${path}`).set('X-Appwrite-Session', value)
  const signIn = async () => {
    const res = await request(t.app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email: user.email, password: user.password }).expect(201)
    return { value: res.body.secret as string, sessionId: res.body.$id as string }
  }
  const passChallenge = async (value: string) => {
    clock.advance(30_000)
    const c = await v1('post', '/account/mfa/challenges', value).send({ factor: 'totp' }).expect(201)
    return v1('put', '/account/mfa/challenges', value).send({ challengeId: c.body.$id, otp: totpCode(secret, clock.now()) }).expect(200)
  }

  before(async function () {
    clock = new TestClock()
    t = makeApp({ clock })
    t.app.get('/api/skip', t.accounts.requireSession({ skipMfa: true }), (req, res) => {
      res.json({ account: req.account, session: req.accountSession })
    })
    t.app.get('/page', t.accounts.requireSession({ redirectTo: '/sign-in' }), (_req, res) => {
      res.send('members only')
    })
    t.app.get('/page-skip', t.accounts.requireSession({ redirectTo: '/sign-in', skipMfa: true }), (_req, res) => {
      res.send('challenge form')
    })
    user = await signUpAndIn(t.app)
    earlier = await signIn()
    earlierJwt = (await v1('post', '/account/jwts', earlier.value).expect(201)).body.jwt
    secret = (await v1('post', '/account/mfa/authenticators/totp', user.value).expect(200)).body.secret
    await v1('put', '/account/mfa/authenticators/totp', user.value).send({ otp: totpCode(secret, clock.now()) }).expect(200)
    await v1('patch', '/account/mfa', user.value).send({ mfa: true }).expect(200)
  })

  it('the session that turned MFA on passes (credited with its verified factors)', async function () {
    const res = await at('/api/me', user.value).expect(200)
    assert.equal(res.body.account.$id, user.id)
    assert.equal(res.body.account.mfa, true)
    assert.deepEqual(res.body.session.factors, ['password', 'totp'])
  })

  it("a fresh session → 401 user_more_factors_required (Appwrite's JSON error body)", async function () {
    const fresh = await signIn()
    const res = await at('/api/me', fresh.value).expect(401)
    assert.deepEqual(
      { type: res.body.type, code: res.body.code, message: res.body.message },
      { type: 'user_more_factors_required', code: 401, message: 'More factors are required to complete the sign in process.' },
    )
  })

  it('requireSession({ skipMfa: true }) lets it through with req.account / req.accountSession (factors [password])', async function () {
    const fresh = await signIn()
    const res = await at('/api/skip', fresh.value).expect(200)
    assert.equal(res.body.account.$id, user.id)
    assert.equal(res.body.session.$id, fresh.sessionId)
    assert.deepEqual(res.body.session.factors, ['password'])
  })

  it('redirectTo: a session owing a factor is redirected like a guest; with skipMfa it gets the page', async function () {
    const fresh = await signIn()
    await at('/page', fresh.value).expect(302).expect('Location', '/sign-in')
    assert.equal((await at('/page-skip', fresh.value).expect(200)).text, 'challenge form')
  })

  it('after a TOTP challenge → 200 on /api/me and on /v1/account', async function () {
    const fresh = await signIn()
    await at('/api/me', fresh.value).expect(401)
    const s = await passChallenge(fresh.value)
    assert.deepEqual(s.body.factors, ['password', 'totp'])
    const res = await at('/api/me', fresh.value).expect(200)
    assert.deepEqual(res.body.session.factors, ['password', 'totp'])
    await v1('get', '/account', fresh.value).expect(200)
  })

  it('a session from before MFA was turned on is gated too, and so is a JWT minted from it', async function () {
    await at('/api/me', earlier.value).expect(401)
    const viaJwt = await request(t.app).get('/api/me').set('X-Appwrite-JWT', earlierJwt).expect(401)
    assert.equal(viaJwt.body.type, 'user_more_factors_required')
    await request(t.app).get('/v1/account').set('X-Appwrite-JWT', earlierJwt).expect(401)
    await request(t.app).get('/api/skip').set('X-Appwrite-JWT', earlierJwt).expect(200)
    // The JWT carries the session: once that session passes a challenge, the JWT does too.
    await passChallenge(earlier.value)
    await request(t.app).get('/api/me').set('X-Appwrite-JWT', earlierJwt).expect(200)
  })

  it('guests still get 401 general_unauthorized_scope, with or without skipMfa', async function () {
    assert.equal((await request(t.app).get('/api/me').expect(401)).body.type, 'general_unauthorized_scope')
    assert.equal((await request(t.app).get('/api/skip').expect(401)).body.type, 'general_unauthorized_scope')
  })

  it('MFA off again → the same fresh-style session passes the plain guard', async function () {
    const fresh = await signIn()
    await at('/api/me', fresh.value).expect(401)
    await v1('patch', '/account/mfa', user.value).send({ mfa: false }).expect(200)
    await at('/api/me', fresh.value).expect(200)
    await v1('patch', '/account/mfa', user.value).send({ mfa: true }).expect(200)
  })

  it('skipMfa must be a boolean', function () {
    assert.throws(() => t.accounts.requireSession({ skipMfa: 'yes' as unknown as boolean }), TypeError)
  })

  it('the core answers the same question: accounts.mfa.needsMoreFactors(account, session)', async function () {
    const fresh = await signIn()
    const auth = await t.accounts.sessions.resolveById(user.id, fresh.sessionId)
    assert.ok(auth)
    assert.equal(t.accounts.mfa.needsMoreFactors(auth.account, auth.session), true)
    const err = await t.accounts.mfa.createChallenge(auth.account, 'fax').catch((e: unknown) => e)
    assert.ok(err instanceof AccountsError)
    assert.equal(err.type, 'general_argument_invalid')
  })
})
