/**
 * `req.account`, `req.accountSession` and requireSession()'s default `req.user` are accessors
 * on Express' base request prototype (lib/http/request-properties.ts: adding properties to an
 * Express 5 request costs a new hidden class each). They must still behave like the plain
 * properties they replace: per request, readable after a sub-app returns, `req.user` owned by
 * whoever assigns it, and left alone where the app defines the names itself.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import express, { type Request } from 'express'
import request from 'supertest'
import { makeApp, signUpAndIn } from '../support/app.js'

const IMPERSONATE_ID = 'X-Appwrite-Impersonate-User-Id'

const view = (req: Request) => ({
  account: req.account?.$id ?? null,
  session: req.accountSession?.$id ?? null,
  user: (req.user as { $id?: string } | undefined)?.$id ?? null,
})

describe('request properties set by requireSession()', () => {
  it('keeps each request its own account, session and user, even when requests interleave', async () => {
    const { app, accounts } = makeApp()
    app.get('/who', accounts.requireSession(), async (req, res) => {
      await new Promise((r) => setTimeout(r, 5))
      res.json(view(req))
    })
    const a = await signUpAndIn(app)
    const b = await signUpAndIn(app)
    const answers = await Promise.all([a, b, a, b].map((u) => request(app).get('/who').set('X-Appwrite-Session', u.value).expect(200)))
    assert.deepEqual(answers.map((r) => r.body), [a, b, a, b].map((u) => ({ account: u.id, session: u.sessionId, user: u.id })))
    // A request that did not pass requireSession() sees none of them.
    app.get('/open', (req, res) => { res.json(view(req)) })
    assert.deepEqual((await request(app).get('/open').set('X-Appwrite-Session', a.value).expect(200)).body, { account: null, session: null, user: null })
  })

  it('leaves req.user to whoever set or sets it: a plain own property, which delete and undefined clear', async () => {
    const { app, accounts } = makeApp()
    const u = await signUpAndIn(app)
    app.get('/preset', (req, _res, next) => { req.user = { $id: 'from-passport' } as Express.User; next() }, accounts.requireSession(), (req, res) => { res.json(view(req)) })
    app.get('/later', accounts.requireSession(), (req, res) => {
      req.user = { $id: 'replaced' } as Express.User
      const own = Object.hasOwn(req, 'user')
      delete req.user
      res.json({ ...view(req), own, keys: Object.keys(req).includes('user') })
    })
    app.get('/clear', accounts.requireSession(), (req, res) => {
      req.user = undefined
      res.json(view(req))
    })
    app.get('/own', accounts.requireSession(), (req, res) => {
      res.json({ own: Object.hasOwn(req, 'user'), accountOwn: Object.hasOwn(req, 'account') })
    })
    assert.deepEqual((await request(app).get('/preset').set('X-Appwrite-Session', u.value).expect(200)).body, { account: u.id, session: u.sessionId, user: 'from-passport' })
    // An assigned req.user is a plain own property that replaces requireSession()'s default:
    // after `delete` it is gone (test/security/request-user-delete.test.ts).
    assert.deepEqual((await request(app).get('/later').set('X-Appwrite-Session', u.value).expect(200)).body, { account: u.id, session: u.sessionId, user: null, own: true, keys: false })
    assert.deepEqual((await request(app).get('/clear').set('X-Appwrite-Session', u.value).expect(200)).body, { account: u.id, session: u.sessionId, user: null })
    // req.user is set as an own property; req.account is an accessor (request-properties.ts).
    assert.deepEqual((await request(app).get('/own').set('X-Appwrite-Session', u.value).expect(200)).body, { own: true, accountOwn: false })
  })

  it('builds req.accountSession on first read, once per request; an assigned one replaces it', async () => {
    const { app, accounts } = makeApp()
    const u = await signUpAndIn(app)
    app.get('/session', accounts.requireSession(), (req, res) => {
      const first = req.accountSession!
      first.factors.push('mutated')
      const same = req.accountSession === first && req.accountSession.factors.includes('mutated')
      const current = first.current
      req.accountSession = { ...first, $id: 'assigned' }
      res.json({ same, current, after: req.accountSession.$id })
    })
    app.get('/jwt-session', accounts.requireSession(), (req, res) => { res.json({ current: req.accountSession!.current, id: req.accountSession!.$id }) })
    assert.deepEqual((await request(app).get('/session').set('X-Appwrite-Session', u.value).expect(200)).body, { same: true, current: true, after: 'assigned' })
    // The next request builds its own, unchanged model.
    assert.deepEqual((await request(app).get('/api/me').set('X-Appwrite-Session', u.value).expect(200)).body.session.factors, ['password'])
    const jwt = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', u.value).expect(201)).body.jwt as string
    assert.deepEqual((await request(app).get('/jwt-session').set('X-Appwrite-JWT', jwt).expect(200)).body, { current: false, id: u.sessionId })
  })

  it('is visible after a sub-app that ran requireSession() hands the request back', async () => {
    const { app, accounts } = makeApp()
    const u = await signUpAndIn(app)
    const sub = express()
    sub.use(accounts.requireSession())
    const outer = express()
    outer.use('/v1', accounts.router())
    outer.use('/area', sub, (req, res) => { res.json(view(req)) })
    assert.deepEqual((await request(outer).get('/area/x').set('X-Appwrite-Session', u.value).expect(200)).body, { account: u.id, session: u.sessionId, user: u.id })
  })

  it('leaves a name the app defines on its request prototype alone', async () => {
    const { app: accountsApp, accounts } = makeApp()
    const u = await signUpAndIn(accountsApp)
    const app = express()
    let setterCalls = 0
    Object.defineProperty(app.request, 'accountSession', {
      configurable: true,
      get(this: { _mine?: unknown }) { return this._mine },
      set(this: { _mine?: unknown }, v: unknown) { setterCalls++; this._mine = v },
    })
    app.get('/me', accounts.requireSession(), (req, res) => { res.json(view(req)) })
    assert.deepEqual((await request(app).get('/me').set('X-Appwrite-Session', u.value).expect(200)).body, { account: u.id, session: u.sessionId, user: u.id })
    assert.equal(setterCalls, 1)
  })

  it('sets every name as a plain property where the app shadows only req.account, impersonation included', async () => {
    const { app: accountsApp, accounts } = makeApp()
    const u = await signUpAndIn(accountsApp)
    const app = express()
    const seen: unknown[] = []
    Object.defineProperty(app.request, 'account', {
      configurable: true,
      get(this: { _account?: unknown }) { return this._account },
      set(this: { _account?: unknown }, v: unknown) { seen.push(v); this._account = v },
    })
    app.get('/me', accounts.requireSession(), (req, res) => { res.json({ ...view(req), impersonatorId: req.impersonatorId ?? null }) })
    const body = (await request(app).get('/me').set('X-Appwrite-Session', u.value).expect(200)).body
    assert.deepEqual(body, { account: u.id, session: u.sessionId, user: u.id, impersonatorId: null })
    assert.equal(seen.length, 1)
  })

  // Attack (attack-run2): a layer in front of Express (a gateway wrapper, another framework)
  // assigned the names while the request's prototype was still IncomingMessage's, or a
  // middleware defined them on the request: they are then the request's own properties, which
  // shadow the accessors. requireSession() must still leave the values it admitted visible,
  // not the ones found there, and a stale impersonatorId must not survive a request that
  // impersonates no one.
  it('replaces own properties the request already had: req.* is always what requireSession() admitted', async () => {
    const { app, accounts } = makeApp()
    const staff = await signUpAndIn(app)
    await accounts.updateImpersonator(staff.id, true)
    const victim = await signUpAndIn(app)
    const u = await signUpAndIn(app)
    app.get('/who', accounts.requireSession(), (req, res) => { res.json({ ...view(req), impersonatorId: req.impersonatorId ?? null }) })
    app.get('/defined', (req, _res, next) => {
      for (const name of ['account', 'accountSession', 'impersonatorId']) {
        Object.defineProperty(req, name, { value: { $id: 'planted' }, writable: true, configurable: true, enumerable: true })
      }
      next()
    }, accounts.requireSession(), (req, res) => { res.json({ ...view(req), impersonatorId: req.impersonatorId ?? null }) })
    const planted = { $id: 'planted', userId: 'planted' }
    const server = http.createServer((req, res) => {
      // Before Express: plain assignments on an IncomingMessage make own properties.
      Object.assign(req, { account: planted, accountSession: planted, impersonatorId: 'planted' })
      app(req as never, res as never)
    })
    try {
      const plain = (await request(server).get('/who').set('X-Appwrite-Session', u.value).expect(200)).body
      assert.deepEqual(plain, { account: u.id, session: u.sessionId, user: u.id, impersonatorId: null })
      const as = (await request(server).get('/who').set('X-Appwrite-Session', staff.value).set(IMPERSONATE_ID, victim.id).expect(200)).body
      assert.deepEqual(as, { account: victim.id, session: staff.sessionId, user: victim.id, impersonatorId: staff.id })
    } finally {
      server.close()
    }
    const defined = (await request(app).get('/defined').set('X-Appwrite-Session', u.value).expect(200)).body
    assert.deepEqual(defined, { account: u.id, session: u.sessionId, user: u.id, impersonatorId: null })
  })
})
