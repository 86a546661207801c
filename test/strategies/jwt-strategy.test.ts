import assert from 'node:assert/strict'
import type { NextFunction, Request, Response } from 'express'
import request from 'supertest'
import { JwtStrategy, type JwtStrategyOptions } from '../../strategies/index.js'
import { TestClock, freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

describeBackends('JwtStrategy in a plain passport + express-session app', (on) => {
  let t: ReturnType<typeof jwtApp>

  /** The passport app plus the typical API routes: `/api/me` as users write it, `/api/check` reporting the failure. */
  function jwtApp(options: Omit<JwtStrategyOptions, 'accounts'> = {}, clock = new TestClock()) {
    const a = makePassportApp(on.backend, on.prefix, (accounts) => [new JwtStrategy({ accounts, ...options })], { clock })
    a.app.get('/api/me', a.passport.authenticate('jwt', { session: false }), (req: Request, res: Response) => {
      res.json({ user: req.user, account: req.account, session: req.accountSession })
    })
    a.app.get('/api/check', (req: Request, res: Response, next: NextFunction) => {
      a.passport.authenticate('jwt', { session: false }, (err: unknown, user: unknown, info: unknown, status: number) => {
        if (err) return next(err)
        res.status(user ? 200 : status).json({ info: info ?? null })
      })(req, res, next)
    })
    a.app.use(a.accounts.errorHandler())
    return { ...a, clock }
  }

  /** A signed-in account and a 60-second JWT minted from its session. */
  async function minted(app = t) {
    const account = await app.accounts.createAccount({ email: freshEmail('jwt'), password: 'correct-horse-battery' })
    const signIn = await app.accounts.signIn(account.id)
    return { ...signIn, jwt: await app.accounts.jwts.create(signIn.account, signIn.session, 60) }
  }

  before(async () => {
    t = jwtApp()
  })

  it('accepts Authorization: Bearer with { session: false }: req.account and the existing session, no new record', async () => {
    const { account, session, jwt } = await minted()
    const res = await request(t.app).get('/api/me').set('Authorization', `Bearer ${jwt}`).expect(200)
    assert.deepEqual([res.body.user.$id, res.body.account.$id], [account.id, account.id])
    assert.deepEqual([res.body.session.$id, res.body.session.current], [session.id, false])
    assert.equal((await t.accounts.sessions.list(account.id)).length, 1)
    assert.ok(!res.headers['set-cookie'], 'session: false must not start an express-session')
  })

  it('accepts X-Appwrite-JWT', async () => {
    const { account, jwt } = await minted()
    const res = await request(t.app).get('/api/me').set('X-Appwrite-JWT', jwt).expect(200)
    assert.equal(res.body.account.$id, account.id)
  })

  it('with req.login, express-session remembers the JWT’s own session', async () => {
    const { session, jwt } = await minted()
    const agent = request.agent(t.app)
    await agent.post('/login/jwt').set('Authorization', `Bearer ${jwt}`).expect(200)
    assert.equal((await agent.get('/me').expect(200)).body.session.$id, session.id)
  })

  it('fails a missing JWT with 401 general_unauthorized_scope (a challenge, not 400)', async () => {
    const res = await request(t.app).get('/api/check').expect(401)
    assert.equal(res.body.info.type, 'general_unauthorized_scope')
    await request(t.app).get('/api/me').set('Authorization', 'Basic dXNlcjpwdw==').expect(401)
  })

  it('fails a bad signature or a malformed JWT with 401 user_jwt_invalid', async () => {
    const { jwt } = await minted()
    const [head, body, sig] = jwt.split('.')
    const forged = `${head}.${body}.${sig.slice(0, -4)}${sig.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    const bad = await request(t.app).get('/api/check').set('Authorization', `Bearer ${forged}`).expect(401)
    assert.equal(bad.body.info.type, 'user_jwt_invalid')
    const junk = await request(t.app).get('/api/check').set('X-Appwrite-JWT', 'not-a-jwt').expect(401)
    assert.equal(junk.body.info.type, 'user_jwt_invalid')
  })

  it('fails with 401 general_unauthorized_scope once its session is deleted', async () => {
    const { account, session, jwt } = await minted()
    await request(t.app).get('/api/me').set('X-Appwrite-JWT', jwt).expect(200)
    await t.accounts.sessions.delete(account.id, session.id)
    const res = await request(t.app).get('/api/check').set('X-Appwrite-JWT', jwt).expect(401)
    assert.equal(res.body.info.type, 'general_unauthorized_scope')
  })

  it('fails with 401 user_jwt_invalid after it expires (TestClock)', async () => {
    const own = jwtApp()
    const { jwt } = await minted(own)
    await request(own.app).get('/api/me').set('X-Appwrite-JWT', jwt).expect(200)
    own.clock.advance(61_000)
    const res = await request(own.app).get('/api/check').set('X-Appwrite-JWT', jwt).expect(401)
    assert.equal(res.body.info.type, 'user_jwt_invalid')
  })

  it('fails a blocked account with 403 user_blocked', async () => {
    const { account, jwt } = await minted()
    await t.accounts.blockAccount(account.id)
    const res = await request(t.app).get('/api/check').set('X-Appwrite-JWT', jwt).expect(403)
    assert.equal(res.body.info.type, 'user_blocked')
  })

  it('fails with 401 user_more_factors_required when MFA was switched on and the JWT\'s session owes a factor', async () => {
    const { account, jwt } = await minted()
    await t.accounts.update(account.id, (a) => {
      a.mfa = true
      a.emailVerification = true // a second factor exists
    })
    const res = await request(t.app).get('/api/check').set('X-Appwrite-JWT', jwt).expect(401)
    assert.equal(res.body.info.type, 'user_more_factors_required')
  })

  it('fails with 401 user_unauthorized when verify() refuses, and keeps the session', async () => {
    const strict = jwtApp({ verify: (a) => a.labels.includes('staff') })
    const { account, session, jwt } = await minted(strict)
    const res = await request(strict.app).get('/api/check').set('X-Appwrite-JWT', jwt).expect(401)
    assert.equal(res.body.info.type, 'user_unauthorized')
    assert.equal((await strict.accounts.sessions.get(account.id, session.id)).id, session.id)
  })

  it('turns a store failure into an error: 500 Appwrite-shaped, process alive', async () => {
    const { jwt } = await minted()
    const store = t.accounts.store
    const original = store.getSessionWithAccount.bind(store)
    store.getSessionWithAccount = async () => {
      throw new Error('redis down')
    }
    const quiet = console.error
    console.error = () => undefined
    try {
      const res = await request(t.app).get('/api/me').set('X-Appwrite-JWT', jwt).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.getSessionWithAccount = original
    }
    await request(t.app).get('/api/me').set('X-Appwrite-JWT', jwt).expect(200)
  })

  it('validates constructor options with TypeErrors naming them', () => {
    assert.throws(() => new JwtStrategy(undefined as never), /JwtStrategy: options are required/)
    assert.throws(() => new JwtStrategy({ accounts: null as never }), /JwtStrategy: options\.accounts/)
    assert.throws(() => new JwtStrategy({ accounts: t.accounts, verify: 'staff' as never }), /JwtStrategy: options\.verify/)
  })
})
