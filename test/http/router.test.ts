import assert from 'node:assert/strict'
import express, { type Request } from 'express'
import request from 'supertest'
import { createAccounts } from '../../lib/express-accounts.js'
import { params } from '../../lib/http/params.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { API_KEY, PROJECT, SECRET, freshEmail, makeApp, signUp, signUpAndIn } from '../support/app.js'

describe('router: HTTP behaviour', () => {
  const { app } = makeApp({ allowedOrigins: ['https://app.example.com'] })

  it('renders malformed JSON as 400 general_argument_invalid', async () => {
    const res = await request(app).post('/v1/account').set('Content-Type', 'application/json').send('{"email":').expect(400)
    assert.equal(res.body.type, 'general_argument_invalid')
    assert.equal(res.headers['cache-control'], 'no-cache, no-store, must-revalidate')
  })

  it('works when the host app already parsed the body', async () => {
    const accounts = createAccounts({ project: PROJECT, secret: SECRET, bcryptCost: 4 })
    const host = express()
    host.use(express.json())
    host.use('/v1', accounts.router())
    await request(host).post('/v1/account').send({ userId: 'unique()', email: freshEmail(), password: 'password-123' }).expect(201)
  })

  it('accepts form-encoded bodies too', async () => {
    await request(app).post('/v1/account').type('form').send({ userId: 'unique()', email: freshEmail(), password: 'password-123' }).expect(201)
  })

  it('parses PHP-style array query strings whatever the host query parser', () => {
    const req = { method: 'GET', originalUrl: '/v1/account/identities?queries[0]={"method":"limit","values":[5]}&queries[1]=x&total=false' } as Request
    assert.deepEqual(params(req), { queries: ['{"method":"limit","values":[5]}', 'x'], total: 'false' })
  })

  it('answers unknown account routes with 404 general_route_not_found and leaves other paths to the host', async () => {
    const res = await request(app).get('/v1/account/nothing-here').expect(404)
    assert.equal(res.body.type, 'general_route_not_found')
    const other = await request(app).get('/v1/elsewhere').expect(404)
    assert.notEqual(other.body?.type, 'general_route_not_found')
  })

  it('answers 404 project_not_found for another project, accepts ours or none', async () => {
    const res = await request(app).get('/v1/account').set('X-Appwrite-Project', 'other').expect(404)
    assert.equal(res.body.type, 'project_not_found')
    await request(app).get('/v1/account?project=other').expect(404)
    await request(app).get('/v1/account').set('X-Appwrite-Project', PROJECT).expect(401)
  })

  it('answers CORS preflight and requests for allowed origins, with credentials', async () => {
    const pre = await request(app).options('/v1/account/sessions/email').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'POST').expect(204)
    assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com')
    assert.equal(pre.headers['access-control-allow-credentials'], 'true')
    assert.match(pre.headers['access-control-allow-headers'], /X-Fallback-Cookies/)
    const res = await request(app).get('/v1/account').set('Origin', 'https://app.example.com').expect(401)
    assert.match(res.headers['access-control-expose-headers'], /X-Fallback-Cookies/)
    // A browser app can read how long a refusal lasts.
    assert.match(res.headers['access-control-expose-headers'], /X-RateLimit-Reset, Retry-After/)
  })

  it('refuses unknown browser origins (403 general_unknown_origin) but not same-origin or keyed calls', async () => {
    const res = await request(app).post('/v1/account/sessions/anonymous').set('Origin', 'https://evil.example').expect(403)
    assert.equal(res.body.type, 'general_unknown_origin')
    assert.equal(res.headers['access-control-allow-origin'], undefined)
    await request(app).post('/v1/account/sessions/anonymous').set('Host', 'api.local').set('Origin', 'http://api.local').expect(201)
    await request(app).post('/v1/account/sessions/anonymous').set('Origin', 'https://evil.example').set('X-Appwrite-Key', API_KEY).expect(201)
  })

  it('never sends X-Appwrite-Warning, even to a newer response format', async () => {
    const res = await request(app).get('/v1/account').set('X-Appwrite-Response-Format', '2.0.0')
    assert.equal(res.headers['x-appwrite-warning'], undefined)
  })

  it('works mounted at another path', async () => {
    const accounts = createAccounts({ project: PROJECT, secret: SECRET, bcryptCost: 4 })
    const host = express()
    host.use('/auth/api/v1', accounts.router())
    await request(host).post('/auth/api/v1/account').send({ userId: 'unique()', email: freshEmail(), password: 'password-123' }).expect(201)
  })

  it('turns a store fault into 500 general_unknown without leaking it, and keeps serving', async () => {
    const store = new MemoryStore()
    const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4 })
    const host = express()
    host.use('/v1', accounts.router())
    const user = await signUpAndIn(host)
    const original = store.getSessionWithAccount.bind(store)
    store.getSessionWithAccount = async () => {
      throw new Error('connection refused: secret internals')
    }
    const quiet = console.error
    console.error = () => undefined
    try {
      const res = await request(host).get('/v1/account').set('X-Appwrite-Session', user.value).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.getSessionWithAccount = original
    }
    await request(host).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
  })
})

describe('router: rate limits', () => {
  it('limits email sign-in per IP and email to 10 an hour with Appwrite headers; a 201 resets it', async () => {
    const { app } = makeApp({ rateLimits: true })
    const user = await signUp(app)
    const first = await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: 'wrong-password' }).expect(401)
    assert.equal(first.headers['x-ratelimit-limit'], '10')
    assert.equal(first.headers['x-ratelimit-remaining'], '9')
    assert.ok(Number(first.headers['x-ratelimit-reset']) > Date.now() / 1000)
    await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(201)
    for (let i = 0; i < 10; i++) await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: 'wrong-password' }).expect(401)
    const limited = await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(429)
    assert.equal(limited.body.type, 'general_rate_limit_exceeded')
    // Another email is counted separately, and a key caller is never limited.
    const other = await signUp(app)
    await request(app).post('/v1/account/sessions/email').send({ email: other.email, password: other.password }).expect(201)
    await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email: user.email, password: user.password }).expect(201)
  })

  it('counts in the store, so two routers on one store share the budget', async () => {
    const store = new MemoryStore()
    const make = () => {
      const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, bcryptCost: 4 })
      const host = express()
      host.use('/v1', accounts.router())
      return host
    }
    const a = make()
    const b = make()
    for (let i = 0; i < 10; i++) await request(i % 2 ? a : b).post('/v1/account').send({ userId: 'unique()', email: freshEmail(), password: 'password-123' }).expect(201)
    const res = await request(a).post('/v1/account').send({ userId: 'unique()', email: freshEmail(), password: 'password-123' }).expect(429)
    assert.equal(res.body.type, 'general_rate_limit_exceeded')
  })
})

describe('requireSession()', () => {
  const { app, accounts } = makeApp()

  it('sets req.account, req.accountSession and req.user', async () => {
    const user = await signUpAndIn(app)
    const res = await request(app).get('/api/me').set('Cookie', `a_session_${PROJECT}=${user.value}`).expect(200)
    assert.equal(res.body.account.$id, user.id)
    assert.equal(res.body.session.$id, user.sessionId)
    assert.equal(res.body.session.current, true)
    assert.equal(res.body.session.secret, '')
    assert.equal(res.body.user.$id, user.id)
  })

  it('answers guests with Appwrite-shaped 401 JSON', async () => {
    const res = await request(app).get('/api/me').expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('redirects guests when redirectTo is given', async () => {
    const host = express()
    host.get('/private', accounts.requireSession({ redirectTo: '/login' }), (_req, res) => {
      res.send('secret page')
    })
    const res = await request(host).get('/private').expect(302)
    assert.equal(res.headers.location, '/login')
  })

  it('does not overwrite a req.user set earlier', async () => {
    const user = await signUpAndIn(app)
    const host = express()
    host.use((req, _res, next) => {
      ;(req as { user?: unknown }).user = 'earlier'
      next()
    })
    host.get('/me', accounts.requireSession(), (req, res) => {
      res.json({ user: (req as { user?: unknown }).user })
    })
    const res = await request(host).get('/me').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(res.body.user, 'earlier')
  })

  it('throws a TypeError for a bad redirectTo', () => {
    assert.throws(() => accounts.requireSession({ redirectTo: '' }), TypeError)
  })
})

describe('router: endpoint quirks', () => {
  const { app } = makeApp()

  it('serves an SDK endpoint configured with a trailing slash (//account)', async () => {
    const res = await request(app).get('/v1//account').expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  // The undocumented X-Debug-Fallback header that told which carrier was used is gone (issue 9, finding 10).
  it('reads the session from X-Fallback-Cookies as from X-Appwrite-Session, and says nothing about which', async () => {
    const user = await signUpAndIn(app)
    const viaHeader = await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    const viaFallback = await request(app).get('/v1/account').set('X-Fallback-Cookies', JSON.stringify({ [`a_session_${PROJECT}`]: user.value })).expect(200)
    assert.equal(viaFallback.body.$id, viaHeader.body.$id)
    assert.equal(viaHeader.headers['x-debug-fallback'], undefined)
    assert.equal(viaFallback.headers['x-debug-fallback'], undefined)
  })
})
