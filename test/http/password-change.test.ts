/**
 * Issue 9, finding 6: a password change ends the account's other sessions (and so their
 * JWTs, which die with their session) and keeps the current one; the
 * `invalidateSessionsOnPasswordChange` option keeps them. Through node-appwrite against a
 * listening server, on MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import { Account, Client, ID } from 'node-appwrite'
import { MEMORY, PASSWORD, PROJECT, expectError, nodeClients, redisCase, startServer, uniqueEmail, type StoreCase, type TestServer } from '../sdk/helpers.js'
import { createAccounts } from '../../lib/index.js'
import { MemoryStore } from '../../lib/store/memory-store.js'

const NEW_PW = 'a changed passphrase'

for (const sc of [MEMORY, redisCase('pwchange')] as StoreCase[]) {
  describe(`password change ends the other sessions (${sc.name})`, function () {
    let srv: TestServer
    let c: ReturnType<typeof nodeClients>
    before(async function () {
      sc.available(this)
      srv = await startServer(sc, { rateLimits: false })
      c = nodeClients(srv.endpoint)
    })
    after(() => srv?.close())

    const jwtClient = (jwt: string) => new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setJWT(jwt))

    async function userWithTwoSessions(tag: string) {
      const email = uniqueEmail(tag)
      await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
      const current = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
      const other = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
      const otherJwt = (await c.withSession(other).createJWT()).jwt
      const currentJwt = (await c.withSession(current).createJWT()).jwt
      return { email, current, other, otherJwt, currentJwt }
    }

    it('PATCH /account/password: the other session and its JWT get 401, the current one (and its JWT) work', async () => {
      const u = await userWithTwoSessions('pwc')
      await jwtClient(u.otherJwt).get()
      await c.withSession(u.current).updatePassword({ password: NEW_PW, oldPassword: PASSWORD })
      await expectError(c.withSession(u.other).get(), 401, 'general_unauthorized_scope')
      await expectError(jwtClient(u.otherJwt).get(), 401, 'general_unauthorized_scope')
      await c.withSession(u.current).get()
      await jwtClient(u.currentJwt).get()
      assert.equal((await c.withSession(u.current).listSessions()).total, 1)
    })

    it('under a JWT no session is current: every session ends, the JWT\'s own included', async () => {
      const u = await userWithTwoSessions('pwjwt')
      await jwtClient(u.currentJwt).updatePassword({ password: NEW_PW, oldPassword: PASSWORD })
      for (const s of [u.current, u.other]) await expectError(c.withSession(s).get(), 401, 'general_unauthorized_scope')
      await expectError(jwtClient(u.currentJwt).get(), 401, 'general_unauthorized_scope')
      await c.key.createEmailPasswordSession({ email: u.email, password: NEW_PW })
    })

    it('a wrong old password changes nothing and ends nothing', async () => {
      const u = await userWithTwoSessions('pwwrong')
      await expectError(c.withSession(u.current).updatePassword({ password: NEW_PW, oldPassword: 'not the password' }), 401, 'user_invalid_credentials')
      await c.withSession(u.other).get()
      await jwtClient(u.otherJwt).get()
    })
  })
}

describe('password change: invalidateSessionsOnPasswordChange', function () {
  it('false keeps the other sessions and their JWTs (router)', async () => {
    const srv = await startServer(MEMORY, { rateLimits: false, invalidateSessionsOnPasswordChange: false })
    try {
      const c = nodeClients(srv.endpoint)
      const email = uniqueEmail('pwkeep')
      await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
      const current = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
      const other = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
      const jwt = (await c.withSession(other).createJWT()).jwt
      await c.withSession(current).updatePassword({ password: NEW_PW, oldPassword: PASSWORD })
      await c.withSession(other).get()
      await new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setJWT(jwt)).get()
    } finally {
      await srv.close()
    }
  })

  it('the core API: keepSessionId names the session that stays; without it every session ends', async () => {
    const accounts = createAccounts({ store: new MemoryStore(), secret: 'x'.repeat(32), bcryptCost: 4 })
    const account = await accounts.createAccount({ email: uniqueEmail('core'), password: PASSWORD })
    const a = await accounts.signInWithPassword({ email: account.email, password: PASSWORD })
    const b = await accounts.signInWithPassword({ email: account.email, password: PASSWORD })
    await accounts.updatePassword(account.id, NEW_PW, PASSWORD, { keepSessionId: a.session.id })
    assert.deepEqual((await accounts.sessions.list(account.id)).map((s) => s.id), [a.session.id])
    assert.equal(await accounts.store.getSession(account.id, b.session.id), null)
    await accounts.updatePassword(account.id, 'third passphrase', NEW_PW)
    assert.deepEqual(await accounts.sessions.list(account.id), [])
  })

  it('rejects a non-boolean option with a TypeError naming it', () => {
    assert.throws(() => createAccounts({ invalidateSessionsOnPasswordChange: 'yes' as never }), (e: Error) => e instanceof TypeError && /invalidateSessionsOnPasswordChange/.test(e.message))
  })
})
