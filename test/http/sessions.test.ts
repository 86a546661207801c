import assert from 'node:assert/strict'
import request from 'supertest'
import { API_KEY, PROJECT, freshEmail, makeApp, signIn, signUp, signUpAndIn } from '../support/app.js'

const WINDOWS_CHROME_70 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36'
const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/

describe('router: sessions', () => {
  const { app } = makeApp()

  it('signs in with email and password: 201 Session, cookies and fallback header', async () => {
    const user = await signUp(app, freshEmail('Case'))
    const res = await request(app)
      .post('/v1/account/sessions/email')
      .set('User-Agent', WINDOWS_CHROME_70)
      .send({ email: user.email.toUpperCase(), password: user.password })
      .expect(201)
    assert.equal(res.body.secret, '', 'non-key callers never see the secret')
    assert.equal(res.body.provider, 'email')
    assert.equal(res.body.providerUid, user.email.toLowerCase())
    assert.deepEqual(res.body.factors, ['password'])
    assert.equal(res.body.current, true)
    assert.match(res.body.expire, DATETIME)
    assert.equal(res.body.osCode, 'WIN')
    assert.equal(res.body.clientName, 'Chrome')
    assert.equal(res.body.clientVersion, '70.0')
    const cookies = res.headers['set-cookie'] as unknown as string[]
    assert.ok(cookies.some((c) => c.startsWith(`a_session_${PROJECT}=`) && /HttpOnly/.test(c) && /SameSite=Lax/.test(c)))
    assert.ok(cookies.some((c) => c.startsWith(`a_session_${PROJECT}_legacy=`) && /SameSite=Lax/.test(c)), "the legacy cookie carries the configured SameSite (only SameSite=None drops it)")
    const fallback = JSON.parse(res.headers['x-fallback-cookies'])
    const me = await request(app).get('/v1/account').set('X-Fallback-Cookies', JSON.stringify(fallback)).expect(200)
    assert.equal(me.body.$id, user.id)
  })

  it('accepts the POST /account/sessions alias', async () => {
    const user = await signUp(app)
    await request(app).post('/v1/account/sessions').send({ email: user.email, password: user.password }).expect(201)
  })

  it('omits X-Fallback-Cookies for a same-domain browser', async () => {
    const user = await signUp(app)
    const res = await request(app).post('/v1/account/sessions/email').set('Host', 'api.example.com').set('Origin', 'http://api.example.com').send({ email: user.email, password: user.password }).expect(201)
    assert.equal(res.headers['x-fallback-cookies'], undefined)
  })

  it('answers bad credentials, missing params and short passwords with Appwrite errors', async () => {
    const user = await signUp(app)
    const wrong = await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: 'wrong-password' }).expect(401)
    assert.deepEqual(Object.keys(wrong.body), ['message', 'code', 'type', 'version'])
    assert.equal(wrong.body.type, 'user_invalid_credentials')
    const missing = await request(app).post('/v1/account/sessions/email').send({ email: user.email }).expect(400)
    assert.equal(missing.body.message, 'Param "password" is not optional.')
    const short = await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: 'short' }).expect(400)
    assert.equal(short.body.type, 'general_argument_invalid')
  })

  it('refuses a second session while one is active, unless the caller is a key', async () => {
    const user = await signUpAndIn(app)
    const res = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Session', user.value).send({ email: user.email, password: user.password }).expect(401)
    assert.equal(res.body.type, 'user_session_already_exists')
    await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Session', user.value).expect(401)
    await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).set('X-Appwrite-Session', user.value).send({ email: user.email, password: user.password }).expect(201)
  })

  it('lists sessions with current true only for the caller and secrets empty', async () => {
    const user = await signUpAndIn(app)
    const second = await signIn(app, user.email, user.password)
    const res = await request(app).get('/v1/account/sessions').set('X-Appwrite-Session', second.value).expect(200)
    assert.equal(res.body.total, 2)
    assert.deepEqual(res.body.sessions.map((s: { $id: string }) => s.$id), [user.sessionId, second.sessionId])
    assert.deepEqual(res.body.sessions.map((s: { current: boolean }) => s.current), [false, true])
    assert.ok(res.body.sessions.every((s: { secret: string }) => s.secret === ''))
  })

  it('gets, extends and deletes one session, `current` included', async () => {
    const user = await signUpAndIn(app)
    const other = await signIn(app, user.email, user.password)
    const current = await request(app).get('/v1/account/sessions/current').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(current.body.$id, user.sessionId)
    const got = await request(app).get(`/v1/account/sessions/${other.sessionId}`).set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(got.body.current, false)
    const before = Date.parse(current.body.expire)
    await new Promise((r) => setTimeout(r, 5))
    const extended = await request(app).patch('/v1/account/sessions/current').set('X-Appwrite-Session', user.value).send({}).expect(200)
    assert.ok(Date.parse(extended.body.expire) > before)
    const missing = await request(app).get('/v1/account/sessions/nope').set('X-Appwrite-Session', user.value).expect(404)
    assert.equal(missing.body.type, 'user_session_not_found')
    await request(app).delete(`/v1/account/sessions/${other.sessionId}`).set('X-Appwrite-Session', user.value).send({}).expect(204)
    await request(app).get('/v1/account').set('X-Appwrite-Session', other.value).expect(401)
    const gone = await request(app).delete('/v1/account/sessions/current').set('X-Appwrite-Session', user.value).send({}).expect(204)
    assert.equal(gone.headers['x-fallback-cookies'], '[]')
    assert.ok((gone.headers['set-cookie'] as unknown as string[]).some((c) => c.startsWith(`a_session_${PROJECT}=deleted`)))
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(401)
  })

  it('deletes all sessions', async () => {
    const user = await signUpAndIn(app)
    const other = await signIn(app, user.email, user.password)
    await request(app).delete('/v1/account/sessions').set('X-Appwrite-Session', user.value).set('Content-Type', 'application/json').send('{}').expect(204)
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(401)
    await request(app).get('/v1/account').set('X-Appwrite-Session', other.value).expect(401)
  })

  it('evicts the oldest session silently on the 11th sign-in', async () => {
    const user = await signUpAndIn(app)
    const later = []
    for (let i = 0; i < 10; i++) later.push(await signIn(app, user.email, user.password))
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(401)
    const list = await request(app).get('/v1/account/sessions').set('X-Appwrite-Session', later[9].value).expect(200)
    assert.equal(list.body.total, 10)
    assert.ok(!list.body.sessions.some((s: { $id: string }) => s.$id === user.sessionId))
  })

  it('signs in anonymously and upgrades in place with PATCH /account/email', async () => {
    const anon = await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Key', API_KEY).expect(201)
    assert.equal(anon.body.provider, 'anonymous')
    assert.deepEqual(anon.body.factors, ['anonymous'])
    const value = anon.body.secret as string
    const me = await request(app).get('/v1/account').set('X-Appwrite-Session', value).expect(200)
    assert.equal(me.body.email, '')
    assert.equal(me.body.passwordUpdate, '')
    const email = freshEmail()
    const upgraded = await request(app).patch('/v1/account/email').set('X-Appwrite-Session', value).send({ email, password: 'chosen-password' }).expect(200)
    assert.equal(upgraded.body.$id, me.body.$id)
    assert.equal(upgraded.body.email, email)
    const signedIn = await request(app).post('/v1/account/sessions/email').send({ email, password: 'chosen-password' }).expect(201)
    assert.equal(signedIn.body.userId, me.body.$id)
  })
})
