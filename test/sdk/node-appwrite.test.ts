/**
 * node-appwrite 27.1.0 as a real client: sign-up, sign-in through an API-key client,
 * `setSession(secret)`, guests on account routes. Profile routes: node-appwrite-profile.test.ts;
 * sessions, anonymous accounts, blocking and deletion: node-appwrite-sessions.test.ts.
 */
import assert from 'node:assert/strict'
import { Account, Client, ID, type Models } from 'node-appwrite'
import { parseUserAgent } from '../../lib/client-info.js'
import {
  CHROME_70_WINDOWS, GUEST_SCOPE_MESSAGE, PROJECT, CLUSTER, MEMORY, NODE_SDK_UA, PASSWORD, REDIS,
  SESSION_LIFETIME, assertAccountShape, assertEmailTarget, assertSessionShape, decodeSessionValue,
  expectError, failure, fmt, nodeClients, plain, raw, startServer, uaFields, uniqueEmail, type SdkError, type StoreCase, type TestServer,
} from './helpers.js'

for (const sc of [MEMORY, REDIS, CLUSTER] as StoreCase[]) {
  describe(`node-appwrite: accounts (${sc.name})`, function () {
    before(function () {
      sc.available(this)
    })

    describe('sign-up (POST /account)', function () {
      let srv: TestServer
      let email: string
      let id: string
      let created: Models.User<Models.Preferences>
      before(async function () {
        srv = await startServer(sc)
        email = uniqueEmail('signup')
        id = ID.unique()
        created = await nodeClients(srv.endpoint).guest.create({ userId: id, email, password: PASSWORD, name: 'Ada' })
      })
      after(() => srv?.close())

      it('answers an Account model with Appwrite keys in order', () => assertAccountShape(created))
      it('keeps the client-side id, lowercases the email, stores the name', () => {
        assert.deepEqual([created.$id, created.email, created.name], [id, email.toLowerCase(), 'Ada'])
      })
      it('stamps every datetime with the server clock', () => {
        const now = fmt(srv.clock.t)
        for (const k of ['$createdAt', '$updatedAt', 'registration', 'passwordUpdate', 'accessedAt'] as const) {
          assert.equal(created[k], now, k)
        }
      })
      it('starts active and unverified with empty prefs and labels', () => {
        assert.deepEqual(
          [created.status, created.labels, created.phone, created.emailVerification, created.phoneVerification, created.mfa, plain(created.prefs)],
          [true, [], '', false, false, false, {}],
        )
      })
      it('lists the email as the only target', () => assertEmailTarget(created))
      it('never returns password, hash or hashOptions', () => {
        for (const k of ['password', 'hash', 'hashOptions']) assert.ok(!(k in created), k)
      })
      it("accepts the literal 'unique()' and generates an id", async () => {
        const a = await nodeClients(srv.endpoint).guest.create({ userId: 'unique()', email: uniqueEmail(), password: PASSWORD })
        assert.match(a.$id, /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)
        assert.notEqual(a.$id, 'unique()')
        assert.equal(a.name, '')
      })
      it('counts the password length in bytes (4 × é = 8 bytes is enough)', async () => {
        const a = await nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email: uniqueEmail(), password: 'éééé' })
        assert.equal(a.passwordUpdate, fmt(srv.clock.t))
      })
      it('allows signing up while signed in (POST /account is not in the session group)', async () => {
        const c = nodeClients(srv.endpoint)
        const s = await c.key.createEmailPasswordSession({ email, password: PASSWORD })
        const other = await c.withSession(s.secret).create({ userId: ID.unique(), email: uniqueEmail(), password: PASSWORD })
        assert.notEqual(other.$id, id)
      })
    })

    describe('sign-up errors', function () {
      let srv: TestServer
      let email: string
      let id: string
      before(async function () {
        srv = await startServer(sc)
        email = uniqueEmail('dupe')
        id = ID.unique()
        await nodeClients(srv.endpoint).guest.create({ userId: id, email, password: PASSWORD })
      })
      after(() => srv?.close())
      const create = (p: { userId?: string; email?: string; password?: string; name?: string }) =>
        nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email: uniqueEmail(), password: PASSWORD, ...p })

      it('duplicate email (any case) → 409 user_already_exists', () =>
        expectError(create({ email: email.toUpperCase() }), 409, 'user_already_exists'))
      it('duplicate id → 409 user_already_exists', () => expectError(create({ userId: id }), 409, 'user_already_exists'))
      it('7-byte password → 400 general_argument_invalid naming the param', () =>
        expectError(create({ password: 'ééé' + 'a' }), 400, 'general_argument_invalid', /^Invalid `password` param: /))
      it('invalid email → 400 general_argument_invalid', () =>
        expectError(create({ email: 'not-an-email' }), 400, 'general_argument_invalid', /^Invalid `email` param: /))
      it('invalid id → 400 general_argument_invalid', () =>
        expectError(create({ userId: '-starts-with-hyphen' }), 400, 'general_argument_invalid', /^Invalid `userId` param: /))
      it('129-char name → 400 general_argument_invalid', () =>
        expectError(create({ name: 'n'.repeat(129) }), 400, 'general_argument_invalid', /^Invalid `name` param: /))
    })

    describe('email sign-in through an API-key client', function () {
      let srv: TestServer
      let email: string
      let user: Models.User<Models.Preferences>
      let session: Models.Session
      let me: Models.User<Models.Preferences>
      before(async function () {
        srv = await startServer(sc)
        email = uniqueEmail('signin')
        const c = nodeClients(srv.endpoint)
        user = await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
        srv.clock.advance(60_000)
        session = await c.key.createEmailPasswordSession({ email: email.toUpperCase(), password: PASSWORD })
        me = await c.withSession(session.secret).get()
      })
      after(() => srv?.close())

      it('answers a Session model with Appwrite keys in order', () => assertSessionShape(session))
      it('names the account, provider email and the lowercased address', () => {
        assert.deepEqual(
          [session.userId, session.provider, session.providerUid, session.providerAccessToken, session.providerAccessTokenExpiry, session.providerRefreshToken],
          [user.$id, 'email', email.toLowerCase(), '', '', ''],
        )
      })
      it('dates the session now and expires it after the session lifetime', () => {
        assert.deepEqual(
          [session.$createdAt, session.$updatedAt, session.expire],
          [fmt(srv.clock.t), fmt(srv.clock.t), fmt(srv.clock.t + SESSION_LIFETIME)],
        )
      })
      it('records the caller ip and the UA-derived fields of the SDK', () => {
        assert.equal(session.ip, '127.0.0.1')
        assert.deepEqual(uaFields(session), { ...parseUserAgent(NODE_SDK_UA) })
      })
      it('is current, has the password factor, no MFA time', () => {
        assert.deepEqual([session.current, session.factors, session.mfaUpdatedAt], [true, ['password'], ''])
      })
      it('gives a key caller the session value base64({id, secret})', () => {
        const v = decodeSessionValue(session.secret)
        assert.equal(v.id, user.$id)
        assert.match(v.secret, /^[0-9a-f]{64,}$/)
      })
      it('setSession(secret) authenticates a second client', () => {
        assert.equal(me.$id, user.$id)
        assertAccountShape(me)
      })
      it('gives a non-key caller secret ""', async () => {
        const s = await nodeClients(srv.endpoint).guest.createEmailPasswordSession({ email, password: PASSWORD })
        assert.equal(s.secret, '')
        assert.equal(s.current, true)
      })
      it('derives the UA fields from X-Forwarded-User-Agent for a key caller (Chrome 70 on Windows)', async () => {
        const s = await nodeClients(srv.endpoint).keyForwarding(CHROME_70_WINDOWS).createEmailPasswordSession({ email, password: PASSWORD })
        assert.deepEqual(uaFields(s), {
          osCode: 'WIN', osName: 'Windows', osVersion: '10', clientType: 'browser', clientCode: 'CH',
          clientName: 'Chrome', clientVersion: '70.0', clientEngine: 'Blink', clientEngineVersion: '70.0.3538.77',
          deviceName: 'desktop', deviceBrand: '', deviceModel: '',
        })
      })
      it('wrong password → 401 user_invalid_credentials', () =>
        expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'wrong password' }), 401,
          'user_invalid_credentials', 'Invalid credentials. Please check the email and password.'))
      it('unknown email → 401 user_invalid_credentials', () =>
        expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email: uniqueEmail(), password: PASSWORD }), 401,
          'user_invalid_credentials'))
      it('short password → 400 general_argument_invalid', () =>
        expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'short' }), 400, 'general_argument_invalid'))
      it('a signed-in client creating another session → 401 user_session_already_exists', async () => {
        const c = nodeClients(srv.endpoint).withSession(session.secret)
        await expectError(c.createEmailPasswordSession({ email, password: PASSWORD }), 401, 'user_session_already_exists')
        await expectError(c.createAnonymousSession(), 401, 'user_session_already_exists')
      })
      it('the alias POST /account/sessions signs in a plain HTTP client with its own UA', async () => {
        const res = await raw(srv.endpoint, '/account/sessions', { method: 'POST', userAgent: CHROME_70_WINDOWS, body: { email, password: PASSWORD } })
        assert.equal(res.status, 201)
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/)
        const fallback = JSON.parse(res.headers.get('x-fallback-cookies') ?? '{}') as Record<string, string>
        assert.equal(decodeSessionValue(fallback[`a_session_${PROJECT}`]).id, user.$id)
        const s = (await res.json()) as Models.Session
        assertSessionShape(s)
        assert.deepEqual([s.userId, s.provider, s.secret, s.current], [user.$id, 'email', '', true])
        assert.deepEqual(
          [s.osCode, s.osName, s.osVersion, s.clientType, s.clientCode, s.clientName, s.clientVersion, s.clientEngine, s.deviceName],
          ['WIN', 'Windows', '10', 'browser', 'CH', 'Chrome', '70.0', 'Blink', 'desktop'],
        )
      })
      it('a key client carrying a session may still create one', async () => {
        const s = await nodeClients(srv.endpoint).keyWithSession(session.secret).createEmailPasswordSession({ email, password: PASSWORD })
        assert.notEqual(s.$id, session.$id)
        assert.notEqual(s.secret, '')
      })
    })

    describe('guests on account routes', function () {
      let srv: TestServer
      let userId: string
      let guestGet: SdkError
      before(async function () {
        srv = await startServer(sc)
        const c = nodeClients(srv.endpoint)
        userId = (await c.guest.create({ userId: ID.unique(), email: uniqueEmail(), password: PASSWORD })).$id
        guestGet = await failure(c.guest.get())
      })
      after(() => srv?.close())
      const fakeValue = (id: string) => Buffer.from(JSON.stringify({ id, secret: '0'.repeat(64) })).toString('base64')

      it('no session → 401 general_unauthorized_scope with Appwrite message', () =>
        expectError(guestGet, 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('an API key alone has no account scope → 401 general_unauthorized_scope', () =>
        expectError(nodeClients(srv.endpoint).key.get(), 401, 'general_unauthorized_scope'))
      it('garbage session value → guest', () =>
        expectError(nodeClients(srv.endpoint).withSession('garbage').get(), 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('well-formed value with a wrong secret → guest', () =>
        expectError(nodeClients(srv.endpoint).withSession(fakeValue(userId)).get(), 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('another project id → 404 project_not_found', () =>
        expectError(new Account(new Client().setEndpoint(srv.endpoint).setProject('other')).get(), 404, 'project_not_found'))
      it('errors are sent uncacheable', async () => {
        const res = await raw(srv.endpoint, '/account')
        assert.deepEqual(
          [res.status, res.headers.get('cache-control'), res.headers.get('expires'), res.headers.get('pragma')],
          [401, 'no-cache, no-store, must-revalidate', '0', 'no-cache'],
        )
      })
      it('every account route refuses a guest', async () => {
        const g = nodeClients(srv.endpoint).guest
        const calls: Array<() => Promise<unknown>> = [
          () => g.getPrefs(), () => g.updatePrefs({ prefs: { a: 1 } }), () => g.updateName({ name: 'x' }),
          () => g.updatePassword({ password: PASSWORD }), () => g.updateEmail({ email: uniqueEmail(), password: PASSWORD }),
          () => g.updateStatus(), () => g.listSessions(), () => g.deleteSessions(), () => g.getSession({ sessionId: 'current' }),
          () => g.updateSession({ sessionId: 'current' }), () => g.deleteSession({ sessionId: 'current' }),
        ]
        for (const call of calls) await expectError(call(), 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE)
      })
    })
  })
}
