import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import jwt from 'jsonwebtoken'
import { Account, Client } from 'node-appwrite'
import request from 'supertest'
import { TestClock, PROJECT, SECRET, makeApp, signUpAndIn } from '../support/app.js'

function claims(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>
}

describe('JWTs', () => {
  const clock = new TestClock()
  const { app } = makeApp({ clock, createJwtPayload: (account) => ({ role: 'member', userId: 'forged', email: account.email }) })
  let user: Awaited<ReturnType<typeof signUpAndIn>>
  let token: string

  before(async () => {
    user = await signUpAndIn(app)
    token = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({}).expect(201)).body.jwt
  })

  it('mints HS256 {userId, sessionId, exp} for 900 s by default, with custom claims that cannot override ours', () => {
    const c = claims(token)
    assert.equal(c.userId, user.id)
    assert.equal(c.sessionId, user.sessionId)
    assert.equal((c.exp as number) - (c.iat as number), 900)
    assert.equal(c.role, 'member')
    assert.equal(c.email, user.email)
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg, 'HS256')
  })

  it('accepts the POST /account/jwt alias and durations 1–3600 only', async () => {
    await request(app).post('/v1/account/jwt').set('X-Appwrite-Session', user.value).send({ duration: 1 }).expect(201)
    await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({ duration: 3600 }).expect(201)
    for (const duration of [0, 3601, -5, 1.5, 'abc']) {
      const res = await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({ duration }).expect(400)
      assert.equal(res.body.type, 'general_argument_invalid')
    }
    await request(app).post('/v1/account/jwts').send({}).expect(401)
  })

  it('authenticates through X-Appwrite-JWT and Authorization: Bearer', async () => {
    assert.equal((await request(app).get('/v1/account').set('X-Appwrite-JWT', token).expect(200)).body.$id, user.id)
    assert.equal((await request(app).get('/v1/account').set('Authorization', `Bearer ${token}`).expect(200)).body.$id, user.id)
    assert.equal((await request(app).get('/api/me').set('Authorization', `Bearer ${token}`).expect(200)).body.account.$id, user.id)
  })

  it('answers 401 user_jwt_invalid for malformed, badly signed and expired JWTs', async () => {
    const forged = jwt.sign({ userId: user.id, sessionId: user.sessionId, exp: Math.floor(clock.now() / 1000) + 60 }, 'another-secret-another-secret-123')
    for (const [bad, reason] of [['abc', 'Incomplete segments'], [forged, 'Signature failed']]) {
      const res = await request(app).get('/v1/account').set('X-Appwrite-JWT', bad).expect(401)
      assert.equal(res.body.type, 'user_jwt_invalid')
      assert.equal(res.body.message, `Failed to verify JWT. Invalid token: ${reason}`)
    }
    const short = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({ duration: 2 }).expect(201)).body.jwt
    await request(app).get('/v1/account').set('X-Appwrite-JWT', short).expect(200)
    clock.advance(3_000)
    const expired = await request(app).get('/v1/account').set('X-Appwrite-JWT', short).expect(401)
    assert.equal(expired.body.message, 'Failed to verify JWT. Invalid token: Expired')
    const guarded = await request(app).get('/api/me').set('X-Appwrite-JWT', short).expect(401)
    assert.equal(guarded.body.type, 'user_jwt_invalid')
  })

  it('refuses a JWT minting a JWT, and a JWT sent with a session', async () => {
    const res = await request(app).post('/v1/account/jwts').set('X-Appwrite-JWT', token).send({}).expect(403)
    assert.equal(res.body.type, 'user_jwt_creation_denied')
    const both = await request(app).get('/v1/account').set('X-Appwrite-JWT', token).set('X-Appwrite-Session', user.value).expect(403)
    assert.equal(both.body.type, 'user_jwt_and_cookie_set')
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).set('Cookie', `a_session_${PROJECT}=${user.value}`).expect(403)
  })

  it('has no current session: listed sessions are all current false, `current` is 404', async () => {
    const list = await request(app).get('/v1/account/sessions').set('X-Appwrite-JWT', token).expect(200)
    assert.ok(list.body.sessions.length > 0 && list.body.sessions.every((s: { current: boolean }) => !s.current))
    const res = await request(app).get('/v1/account/sessions/current').set('X-Appwrite-JWT', token).expect(404)
    assert.equal(res.body.type, 'user_session_not_found')
  })

  it('dies with its session: the caller becomes a guest', async () => {
    const other = await signUpAndIn(app)
    const minted = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', other.value).send({}).expect(201)).body.jwt
    await request(app).get('/v1/account').set('X-Appwrite-JWT', minted).expect(200)
    await request(app).delete('/v1/account/sessions/current').set('X-Appwrite-Session', other.value).send({}).expect(204)
    const res = await request(app).get('/v1/account').set('X-Appwrite-JWT', minted).expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
    await request(app).get('/api/me').set('X-Appwrite-JWT', minted).expect(401)
  })

  it('does not survive a change of options.secret', async () => {
    const { app: rotated } = makeApp({ secret: `${SECRET}-rotated` })
    const res = await request(rotated).get('/v1/account').set('X-Appwrite-JWT', token).expect(401)
    assert.equal(res.body.type, 'user_jwt_invalid')
  })

  it('works as node-appwrite setJWT()', async () => {
    const fresh = makeApp()
    const u = await signUpAndIn(fresh.app)
    const server = fresh.app.listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
      const withSession = new Account(new Client().setEndpoint(endpoint).setProject(PROJECT).setSession(u.value))
      const { jwt: minted } = await withSession.createJWT({ duration: 60 })
      const me = await new Account(new Client().setEndpoint(endpoint).setProject(PROJECT).setJWT(minted)).get()
      assert.equal(me.$id, u.id)
    } finally {
      server.close()
    }
  })
})
