/**
 * Finding 10: answers holding secrets or personal data (sessions, JWTs, the TOTP secret,
 * recovery codes, the account, prefs, identities, tokens) went out without
 * `Cache-Control: no-store`, so a shared cache or the browser's disk cache could keep them;
 * and an undocumented `X-Debug-Fallback` header went out on every router answer.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { API_KEY, makeApp, signUpAndIn } from '../support/app.js'

describe('router: no-store on every answer, no debug header (finding 10)', () => {
  const { app } = makeApp({ mailer: { send: async () => undefined } })

  function assertNoStore(res: request.Response, what: string): void {
    assert.match(String(res.headers['cache-control']), /(^|,\s*)no-store(,|$)/, `${what}: Cache-Control ${res.headers['cache-control']}`)
    assert.equal(res.headers.pragma, 'no-cache', `${what}: Pragma`)
    assert.equal(res.headers['x-debug-fallback'], undefined, `${what}: X-Debug-Fallback`)
  }

  it('every answer that carries a secret or personal data is no-store', async () => {
    const user = await signUpAndIn(app)
    const as = (r: request.Test) => r.set('X-Appwrite-Session', user.value)
    const seen: Array<[string, request.Response]> = []
    const check = async (what: string, r: request.Test, status: number) => {
      const res = await r
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`)
      seen.push([what, res])
    }
    await check('sign-up', request(app).post('/v1/account').send({ userId: 'unique()', email: `ns${Date.now()}@example.com`, password: 'password-123' }), 201)
    await check('sign-in (session secret for a key)', request(app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email: user.email, password: user.password }), 201)
    await check('anonymous session + cookies', request(app).post('/v1/account/sessions/anonymous'), 201)
    await check('account', as(request(app).get('/v1/account')), 200)
    await check('prefs', as(request(app).get('/v1/account/prefs')), 200)
    await check('sessions', as(request(app).get('/v1/account/sessions')), 200)
    await check('current session', as(request(app).get('/v1/account/sessions/current')), 200)
    await check('identities', as(request(app).get('/v1/account/identities')), 200)
    await check('jwt', as(request(app).post('/v1/account/jwts')), 201)
    await check('totp secret', as(request(app).post('/v1/account/mfa/authenticators/totp')), 200)
    await check('recovery codes', as(request(app).post('/v1/account/mfa/recovery-codes')), 201)
    await check('factors', as(request(app).get('/v1/account/mfa/factors')), 200)
    await check('token (secret for a key)', request(app).post('/v1/account/tokens/email').set('X-Appwrite-Key', API_KEY).send({ userId: 'unique()', email: user.email }), 201)
    await check('error', request(app).get('/v1/account'), 401)
    await check('sign-out', as(request(app).delete('/v1/account/sessions/current')), 204)
    for (const [what, res] of seen) assertNoStore(res, what)
  })

  it('no X-Debug-Fallback, whichever carrier brought the session', async () => {
    const user = await signUpAndIn(app)
    const viaHeader = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    assertNoStore(viaHeader, 'X-Appwrite-Session')
    const viaFallback = await request(app).get('/v1/account').set('X-Fallback-Cookies', JSON.stringify({ a_session_test: user.value })).expect(200)
    assertNoStore(viaFallback, 'X-Fallback-Cookies')
  })

  it('a CORS preflight and an unknown account route are no-store too', async () => {
    assertNoStore(await request(app).options('/v1/account').set('Origin', 'http://localhost').set('Access-Control-Request-Method', 'GET'), 'preflight')
    assertNoStore(await request(app).get('/v1/account/nothing-here').expect(404), '404')
  })
})
