/**
 * Before-hooks that veto: an AccountsError reaches node-appwrite and passport with its type
 * and status; any other throw is a logged 500; either way nothing of the change is stored.
 */
import assert from 'node:assert/strict'
import { ID } from 'node-appwrite'
import request from 'supertest'
import { AccountsError } from '../../lib/errors.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { MEMORY, PASSWORD, REDIS, expectError, nodeClients, startServer, uniqueEmail, type StoreCase, type TestServer } from '../sdk/helpers.js'
import { freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

const CLOSED = 'Sign-ups from this domain are closed.'

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`before-hooks (${sc.name})`, function () {
    let srv: TestServer
    const seen: string[] = []
    before(async function () {
      sc.available(this)
      srv = await startServer(sc, {
        hooks: {
          beforeCreateAccount: ({ account, provider }) => {
            seen.push(`create:${provider}`)
            if (account.email.endsWith('@blocked.example')) throw new AccountsError('user_unauthorized', CLOSED)
            if (account.email.startsWith('buggy')) throw new Error('hook bug')
          },
          beforeSignIn: ({ account }) => {
            if (account.name === 'No Sign In') throw new AccountsError('user_blocked')
          },
          beforeSessionCreate: ({ provider }) => {
            if (provider === 'anonymous') throw new AccountsError('user_anonymous_console_prohibited', 'No guests here.')
          },
          beforeUpdateEmail: ({ email }) => {
            if (email.endsWith('@blocked.example')) throw new AccountsError('general_argument_invalid', 'That domain is not allowed.')
          },
          beforePasswordChange: ({ account, reason }) => {
            if (account.name === 'Frozen' && reason === 'update') throw new AccountsError('user_unauthorized', 'Password changes are locked.')
          },
        },
      })
    })
    after(() => srv?.close())

    it('a veto of sign-up reaches node-appwrite with its type, status and message; nothing is stored', async () => {
      const email = `eve.${Date.now()}@blocked.example`
      const err = await expectError(nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email, password: PASSWORD }), 401, 'user_unauthorized')
      assert.equal(err.message, CLOSED)
      assert.equal(await srv.accounts.findAccountByEmail(email), null)
      assert.ok(seen.includes('create:email'))
    })
    it('a hook that throws anything else is a 500 general_unknown, logged; nothing is stored', async () => {
      const email = `buggy.${Date.now()}@example.com`
      const logged: unknown[] = []
      const original = console.error
      console.error = (...args: unknown[]) => void logged.push(args)
      try {
        await expectError(nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email, password: PASSWORD }), 500, 'general_unknown')
      } finally {
        console.error = original
      }
      assert.ok(logged.some((args) => (args as unknown[]).some((a) => a instanceof Error && a.message === 'hook bug')), 'the bug is logged')
      assert.equal(await srv.accounts.findAccountByEmail(email), null)
    })
    it('beforeSignIn vetoes after the password checked out: no session is stored', async () => {
      const email = uniqueEmail('nosignin')
      const created = await nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email, password: PASSWORD, name: 'No Sign In' })
      await expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: PASSWORD }), 403, 'user_blocked')
      assert.deepEqual(await srv.accounts.sessions.list(created.$id), [])
    })
    it('beforeSessionCreate vetoes an anonymous session: no account is left behind', async () => {
      const created: string[] = []
      const off = srv.accounts.on('accountCreated', ({ account }) => void created.push(account.id))
      await expectError(nodeClients(srv.endpoint).guest.createAnonymousSession(), 401, 'user_anonymous_console_prohibited', 'No guests here.')
      off()
      assert.equal(created.length, 1)
      assert.equal(await srv.accounts.getAccount(created[0]!), null)
    })
    it('beforeUpdateEmail and beforePasswordChange veto; the email and password stay', async () => {
      const email = uniqueEmail('frozen')
      const c = nodeClients(srv.endpoint)
      const user = await c.guest.create({ userId: ID.unique(), email, password: PASSWORD, name: 'Frozen' })
      const me = c.withSession((await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret)
      await expectError(me.updateEmail({ email: 'x@blocked.example', password: PASSWORD }), 400, 'general_argument_invalid', 'That domain is not allowed.')
      await expectError(me.updatePassword({ password: 'another fine passphrase', oldPassword: PASSWORD }), 401, 'user_unauthorized', 'Password changes are locked.')
      const stored = await srv.accounts.getAccount(user.$id)
      assert.equal(stored?.email, email.toLowerCase())
      await c.key.createEmailPasswordSession({ email, password: PASSWORD })
    })
  })
}

describeBackends('before-hooks through PasswordStrategy', (on) => {
  it('a beforeSignIn veto fails the strategy with the hook’s type and status; no session is stored', async () => {
    const t = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })], {
      hooks: { beforeSignIn: () => { throw new AccountsError('user_unauthorized', 'Outside office hours.') } },
    })
    const email = freshEmail('hours')
    const a = await t.accounts.createAccount({ email, password: 'late evening passphrase' })
    const res = await request(t.app).post('/login/password').send({ email, password: 'late evening passphrase' }).expect(401)
    assert.deepEqual([res.body.info.type, res.body.info.message], ['user_unauthorized', 'Outside office hours.'])
    assert.deepEqual(await t.accounts.sessions.list(a.id), [])
  })
})

describe('before-hooks: a vetoed code sign-in changes nothing, first proof included', () => {
  it('the account keeps its password and unverified email; no session', async () => {
    const { createAccounts } = await import('../../lib/index.js')
    const accounts = createAccounts({
      secret: 'x'.repeat(32), bcryptCost: 4, rateLimits: false, mailer: { send: async () => undefined },
      hooks: { beforeSignIn: ({ provider }) => { if (provider === 'token') throw new AccountsError('user_unauthorized', 'Codes are off today.') } },
    })
    const a = await accounts.createAccount({ email: freshEmail('proof'), password: 'long enough passphrase' })
    const code = await accounts.passwordless.sendEmailCode({ userId: a.id, email: a.email })
    await assert.rejects(accounts.passwordless.signInWithToken({ userId: a.id, secret: code.secret }), (e: unknown) => e instanceof AccountsError && e.message === 'Codes are off today.')
    const after = await accounts.getAccount(a.id)
    assert.deepEqual([after?.passwordHash, after?.emailVerification, after?.rev], [a.passwordHash, false, a.rev])
    assert.deepEqual(await accounts.sessions.list(a.id), [])
  })
})
