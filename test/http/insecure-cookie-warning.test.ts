import assert from 'node:assert/strict'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import request from 'supertest'
import { createAccounts } from '../../lib/index.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { freshEmail, makeApp, SECRET } from '../support/app.js'

const CODE = 'EXPRESS_ACCOUNTS_INSECURE_COOKIE'

/** Collects the process warnings with our code while `fn` runs. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = []
  const listener = (w: Error & { code?: string }) => { if (w.code === CODE) seen.push(w.message) }
  process.on('warning', listener)
  try {
    await fn()
    await new Promise((r) => setImmediate(r)) // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener)
  }
  return seen
}

describe('a cookie that cannot work over plain http is reported once, not per request', () => {
  it("cookieSameSite 'none' over http: one warning naming the request and trust proxy", async () => {
    const { app, accounts } = makeApp({ cookieSameSite: 'none' })
    const password = 'correct-horse-battery'
    const email = freshEmail('samesite')
    const seen = await warningsDuring(async () => {
      await request(app).post('/v1/account').send({ userId: 'unique()', email, password }).expect(201)
      for (let i = 0; i < 3; i++) {
        const res = await request(app).post('/v1/account/sessions/email').send({ email, password }).expect(201)
        // The fallback the warning describes: Lax, not None, without Secure.
        assert.match(String(res.headers['set-cookie']), /SameSite=Lax/)
      }
    })
    assert.equal(seen.length, 1, seen.join('\n'))
    assert.match(seen[0], /cookieSameSite is 'none', but POST \/v1\/account\/sessions\/email came over plain http/)
    assert.match(seen[0], /trust proxy/)
    await accounts.store.close()
  })

  it("the default 'lax' over http draws no warning", async () => {
    const { app, accounts } = makeApp()
    const email = freshEmail('lax')
    const seen = await warningsDuring(async () => {
      await request(app).post('/v1/account').send({ userId: 'unique()', email, password: 'correct-horse-battery' }).expect(201)
      await request(app).post('/v1/account/sessions/email').send({ email, password: 'correct-horse-battery' }).expect(201)
    })
    assert.deepEqual(seen, [])
    await accounts.store.close()
  })

  function passportApp(secure: boolean | 'auto') {
    const accounts = createAccounts({ secret: SECRET, bcryptCost: 4, rateLimits: false })
    const pp = new passport.Passport()
    pp.use(new PasswordStrategy({ accounts }))
    accounts.usePassport(pp)
    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, cookie: { secure } }))
    app.use(pp.initialize())
    app.use(pp.session())
    app.post('/login', pp.authenticate('password', { successRedirect: '/me', failureRedirect: '/login' }))
    return { app, accounts }
  }

  it("express-session cookie.secure: true over http: the sign-in's cookie is never sent; one warning says so", async () => {
    const { app, accounts } = passportApp(true)
    const email = freshEmail('secure')
    await accounts.createAccount({ email, password: 'correct-horse-battery' })
    const seen = await warningsDuring(async () => {
      for (let i = 0; i < 2; i++) {
        const res = await request(app).post('/login').type('form').send({ email, password: 'correct-horse-battery' }).expect(302)
        assert.equal(res.headers['set-cookie'], undefined, 'express-session sends no Secure cookie over http')
      }
    })
    assert.equal(seen.length, 1, seen.join('\n'))
    assert.match(seen[0], /express-session's cookie\.secure is true: the browser gets no session cookie/)
    assert.match(seen[0], /cookie\.secure: 'auto'/)
    await accounts.store.close()
  })

  it("cookie.secure: 'auto' over http: the cookie is set, no warning", async () => {
    const { app, accounts } = passportApp('auto')
    const email = freshEmail('auto')
    await accounts.createAccount({ email, password: 'correct-horse-battery' })
    const seen = await warningsDuring(async () => {
      const res = await request(app).post('/login').type('form').send({ email, password: 'correct-horse-battery' }).expect(302)
      assert.match(String(res.headers['set-cookie']), /connect\.sid=/)
    })
    assert.deepEqual(seen, [])
    await accounts.store.close()
  })
})
