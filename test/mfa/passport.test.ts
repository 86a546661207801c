/**
 * Passport sign-ins are gated the same way (issue 6, "Done when"): a plain passport app
 * (express-session on connect-redis, express-accounts' RedisStore, no router) signs in with
 * `PasswordStrategy`; on an MFA account that login cannot pass `accounts.requireSession()`
 * until the Session record behind it completes a challenge through the core
 * (`accounts.mfa.createChallenge` / `verifyChallenge` on the record from
 * `accounts.sessions.resolveById`).
 */
import assert from 'node:assert/strict'
import type { Request, Response } from 'express'
import request from 'supertest'
import { AccountsError, type ExpressAccounts } from '../../lib/index.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { makePassportApp } from '../support/passport-app.js'
import { connectedClient, deleteByPrefix, describeRedis, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { totpClock, totpCode, wrongCode } from './support.js'

const PASSWORD = 'correct-horse-battery'
let counter = 0
const freshEmail = () => `mfa.passport.${process.pid}.${Date.now()}.${++counter}@example.com`

describeRedis('MFA: passport logins (PasswordStrategy, express-session + connect-redis)', function () {
  let client: TestRedisClient
  const prefix = uniquePrefix('mfa-pp')
  let accounts: ExpressAccounts
  let app: ReturnType<typeof makePassportApp>['app']
  const clock = totpClock()
  let email: string
  let accountId: string
  let secret: string

  before(async function () {
    client = await connectedClient()
    const made = makePassportApp(client, prefix, (a) => [new PasswordStrategy({ accounts: a })], { clock })
    accounts = made.accounts
    app = made.app
    // The app's own routes: one behind the full guard, and the challenge routes a passport
    // app would write, behind requireSession({ skipMfa: true }).
    app.get('/guarded', accounts.requireSession(), (req: Request, res: Response) => {
      res.json({ account: req.account, session: req.accountSession })
    })
    app.post('/mfa/challenge', accounts.requireSession({ skipMfa: true }), async (req: Request, res: Response) => {
      const auth = await accounts.sessions.resolveById(req.account!.$id, req.accountSession!.$id)
      const challenge = await accounts.mfa.createChallenge(auth!.account, req.body.factor)
      res.status(201).json({ challengeId: challenge.id })
    })
    app.put('/mfa/challenge', accounts.requireSession({ skipMfa: true }), async (req: Request, res: Response) => {
      try {
        const auth = await accounts.sessions.resolveById(req.account!.$id, req.accountSession!.$id)
        const session = await accounts.mfa.verifyChallenge(auth!.account, auth!.session, { challengeId: req.body.challengeId, otp: req.body.otp })
        res.json({ factors: session.factors })
      } catch (err) {
        if (!(err instanceof AccountsError)) throw err
        res.status(err.code).json({ type: err.type })
      }
    })

    // An MFA account, set up through the core: TOTP enrolled and activated, MFA on.
    email = freshEmail()
    const account = await accounts.createAccount({ email, password: PASSWORD })
    accountId = account.id
    const setup = await accounts.signInWithPassword({ email, password: PASSWORD })
    secret = (await accounts.mfa.createAuthenticator(setup.account)).secret
    // The core methods take records as read: re-read the account after changing it.
    const withTotp = (await accounts.getAccount(accountId))!
    const activated = await accounts.mfa.verifyAuthenticator(withTotp, setup.session, totpCode(secret, clock.now()))
    await accounts.mfa.setEnabled(activated, setup.session, true)
    clock.advance(30_000)
  })

  after(async function () {
    await accounts?.store.close()
    if (client) {
      await deleteByPrefix(client, prefix)
      await client.quit()
    }
  })

  /** A browser signed in through passport (cookie `sid`), and the Session record's id. */
  async function login() {
    const agent = request.agent(app)
    const res = await agent.post('/login/password').send({ email, password: PASSWORD }).expect(200)
    assert.equal(res.body.user.$id, accountId)
    assert.equal(res.body.user.mfa, true)
    const skip = await agent.get('/me').expect(200)
    return { agent, sessionId: skip.body.session.$id as string }
  }

  it('the strategy-created session has one factor and cannot pass requireSession() → 401 user_more_factors_required', async function () {
    const { agent, sessionId } = await login()
    const res = await agent.get('/guarded').expect(401)
    assert.equal(res.body.type, 'user_more_factors_required')
    const auth = await accounts.sessions.resolveById(accountId, sessionId)
    assert.deepEqual(auth!.session.factors, ['password'])
    assert.equal(accounts.mfa.needsMoreFactors(auth!.account, auth!.session), true)
  })

  it('NB: a plain req.user check (the test app’s /me) is not MFA-aware — only requireSession() enforces the gate', async function () {
    const { agent } = await login()
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.$id, accountId)
  })

  it('challenged through the core (createChallenge + verifyChallenge on the record from resolveById) → requireSession() passes', async function () {
    const { agent, sessionId } = await login()
    await agent.get('/guarded').expect(401)
    const auth = await accounts.sessions.resolveById(accountId, sessionId)
    assert.ok(auth)
    const challenge = await accounts.mfa.createChallenge(auth.account, 'totp')
    assert.equal(challenge.accountId, accountId)
    // A wrong code: AccountsError user_invalid_token (401); the challenge survives it.
    await assert.rejects(
      accounts.mfa.verifyChallenge(auth.account, auth.session, { challengeId: challenge.id, otp: wrongCode(secret, clock.now()) }),
      (err: unknown) => err instanceof AccountsError && err.type === 'user_invalid_token' && err.code === 401,
    )
    await agent.get('/guarded').expect(401)
    clock.advance(30_000)
    const updated = await accounts.mfa.verifyChallenge(auth.account, auth.session, { challengeId: challenge.id, otp: totpCode(secret, clock.now()) })
    assert.deepEqual(updated.factors, ['password', 'totp'])
    assert.equal(updated.mfaUpdatedAt, clock.now())
    const res = await agent.get('/guarded').expect(200)
    assert.equal(res.body.account.$id, accountId)
    assert.deepEqual(res.body.session.factors, ['password', 'totp'])
    assert.equal(res.body.session.$id, sessionId)
  })

  it('the same through app routes behind requireSession({ skipMfa: true }); another login is gated again', async function () {
    const { agent } = await login()
    await agent.get('/guarded').expect(401)
    const { body } = await agent.post('/mfa/challenge').send({ factor: 'totp' }).expect(201)
    clock.advance(30_000)
    const code = totpCode(secret, clock.now())
    assert.deepEqual((await agent.put('/mfa/challenge').send({ challengeId: body.challengeId, otp: code }).expect(200)).body.factors, ['password', 'totp'])
    await agent.get('/guarded').expect(200)

    const second = await login()
    await second.agent.get('/guarded').expect(401)
    const c2 = (await second.agent.post('/mfa/challenge').send({ factor: 'totp' }).expect(201)).body
    // The code just used is spent (replay), even from another browser.
    assert.equal((await second.agent.put('/mfa/challenge').send({ challengeId: c2.challengeId, otp: code }).expect(401)).body.type, 'user_invalid_token')
    await second.agent.get('/guarded').expect(401)
  })

  it('signing out (accounts.logOut) deletes the record: the guard then answers as for a guest', async function () {
    const { agent, sessionId } = await login()
    await agent.post('/logout').expect(204)
    assert.equal(await accounts.sessions.resolveById(accountId, sessionId), null)
    assert.equal((await agent.get('/guarded').expect(401)).body.type, 'general_unauthorized_scope')
  })
})
