import assert from 'node:assert/strict'
import request from 'supertest'
import { encodeSessionValue } from '../../lib/session-value.js'
import { TestClock, PROJECT, makeApp, signUpAndIn } from '../support/app.js'

describe('router: session carriers', () => {
  const { app } = makeApp()
  let user: Awaited<ReturnType<typeof signUpAndIn>>
  const garbage = encodeSessionValue({ userId: 'nobody', secret: 'f'.repeat(64) })

  before(async () => {
    user = await signUpAndIn(app)
  })

  it('reads the a_session_<project> cookie', async () => {
    const res = await request(app).get('/v1/account').set('Cookie', `a_session_${PROJECT}=${encodeURIComponent(user.value)}`).expect(200)
    assert.equal(res.body.$id, user.id)
  })

  it('reads each app\'s own project cookie when two projects serve requests in turn in one process', async () => {
    const other = makeApp({ project: 'other-project' })
    const theirs = await signUpAndIn(other.app)
    for (let i = 0; i < 3; i++) {
      await request(app).get('/v1/account').set('Cookie', `a_session_${PROJECT}=${encodeURIComponent(user.value)}`).expect(200)
      await request(other.app).get('/v1/account').set('Cookie', `a_session_other-project=${encodeURIComponent(theirs.value)}`).expect(200)
      await request(other.app).get('/v1/account').set('Cookie', `a_session_${PROJECT}=${encodeURIComponent(theirs.value)}`).expect(401)
      await request(app).get('/v1/account').set('Cookie', `a_session_other-project_legacy=${encodeURIComponent(user.value)}`).expect(401)
      await request(other.app).get('/v1/account').set('Cookie', `a_session_other-project_legacy=${encodeURIComponent(theirs.value)}`).expect(200)
    }
  })

  it('reads the _legacy cookie when the main one is absent or undecodable', async () => {
    await request(app).get('/v1/account').set('Cookie', `a_session_${PROJECT}_legacy=${user.value}`).expect(200)
    await request(app).get('/v1/account').set('Cookie', [`a_session_${PROJECT}=%%%not-base64`, `a_session_${PROJECT}_legacy=${user.value}`].join('; ')).expect(200)
  })

  it('reads X-Appwrite-Session and X-Fallback-Cookies', async () => {
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    await request(app).get('/v1/account').set('X-Fallback-Cookies', JSON.stringify({ [`a_session_${PROJECT}`]: user.value })).expect(200)
  })

  it('stops at the first source that decodes, even when it is wrong (Appwrite order)', async () => {
    const res = await request(app).get('/v1/account').set('Cookie', `a_session_${PROJECT}=${garbage}`).set('X-Appwrite-Session', user.value).expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('makes garbage, wrong and malformed values a guest, never an error', async () => {
    for (const value of ['', 'x', garbage, Buffer.from('[]').toString('base64'), Buffer.from('{"id":5}').toString('base64')]) {
      const res = await request(app).get('/v1/account').set('X-Appwrite-Session', value).expect(401)
      assert.equal(res.body.message, 'User (role: guests) missing scopes (["account"])')
    }
    await request(app).get('/v1/account').set('X-Fallback-Cookies', '{not json').expect(401)
    await request(app).get('/v1/account').set('X-Fallback-Cookies', '[]').expect(401)
  })

  it('lets a guest create a session even when it presented a dead one', async () => {
    await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Session', garbage).expect(201)
  })

  it('treats an expired session as a guest', async () => {
    const clock = new TestClock()
    const { app: timed } = makeApp({ clock, sessionDuration: 60 })
    const u = await signUpAndIn(timed)
    await request(timed).get('/v1/account').set('X-Appwrite-Session', u.value).expect(200)
    clock.advance(61_000)
    await request(timed).get('/v1/account').set('X-Appwrite-Session', u.value).expect(401)
    await request(timed).get('/api/me').set('X-Appwrite-Session', u.value).expect(401)
  })
})
