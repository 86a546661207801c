/**
 * Attack: requireSession()'s default `req.user` comes back after the app replaced and then
 * removed it. `req.user` is an accessor on Express' base request prototype whose default lives
 * in a WeakMap (lib/http/request-properties.ts); an assignment defines a plain own property.
 * After `req.user = x; delete req.user` the accessor showed requireSession()'s default again,
 * so passport's `req.isAuthenticated()` said true for a request the app had just
 * de-authenticated (with plain properties, as before the accessors, it was gone). A plain
 * `delete req.user` did nothing at all. `req.user` is a plain own property again.
 */
import assert from 'node:assert/strict'
import passport from 'passport'
import request from 'supertest'
import { makeApp, signUpAndIn } from '../support/app.js'

describe('security: req.user deleted (or replaced then deleted) stays gone', () => {
  it('does not resurrect requireSession()\'s default user (req.isAuthenticated() is false)', async () => {
    const { app, accounts } = makeApp()
    const u = await signUpAndIn(app)
    const pp = new passport.Passport()
    app.use(pp.initialize())
    app.get('/step-down', accounts.requireSession(), (req, res) => {
      // An app's own de-authentication: replace, then remove.
      req.user = { $id: 'placeholder' } as Express.User
      delete req.user
      res.json({ user: (req.user as { $id?: string } | undefined)?.$id ?? null, authed: req.isAuthenticated() })
    })
    app.get('/logout', accounts.requireSession(), (req, res) => {
      req.logout({ keepSessionInfo: true }, () => undefined)
      delete req.user
      res.json({ user: (req.user as { $id?: string } | undefined)?.$id ?? null, authed: req.isAuthenticated() })
    })
    app.get('/delete', accounts.requireSession(), (req, res) => {
      // The plainest de-authentication: delete what requireSession() set.
      delete req.user
      res.json({ user: (req.user as { $id?: string } | undefined)?.$id ?? null, authed: req.isAuthenticated() })
    })
    assert.deepEqual((await request(app).get('/step-down').set('X-Appwrite-Session', u.value).expect(200)).body, { user: null, authed: false })
    assert.deepEqual((await request(app).get('/delete').set('X-Appwrite-Session', u.value).expect(200)).body, { user: null, authed: false })
    assert.deepEqual((await request(app).get('/logout').set('X-Appwrite-Session', u.value).expect(200)).body, { user: null, authed: false })
  })
})
