/**
 * node-appwrite 27.1.0 as a real client: listing, reading, extending and deleting sessions,
 * the 10-session cap, anonymous accounts and their conversion, blocking, account deletion.
 */
import assert from 'node:assert/strict'
import { ID, type Account, type Models } from 'node-appwrite'
import {
  API_KEY, DAY, GUEST_SCOPE_MESSAGE, CLUSTER, MEMORY, PASSWORD, REDIS, SESSION_LIFETIME, assertAccountShape, assertEmailTarget,
  assertSessionShape, decodeSessionValue, expectError, failure, fmt, nodeClients, raw, startServer, uniqueEmail,
  type SdkError, type StoreCase, type TestServer,
} from './helpers.js'

type User = Models.User<Models.Preferences>

/** A fresh account plus `n` sessions made by the key client, a minute apart. */
async function signedUp(srv: TestServer, n: number) {
  const c = nodeClients(srv.endpoint)
  const email = uniqueEmail('sessions')
  const user = await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
  const sessions: Models.Session[] = []
  for (let i = 0; i < n; i++) {
    srv.clock.advance(60_000)
    sessions.push(await c.key.createEmailPasswordSession({ email, password: PASSWORD }))
  }
  return { email, user, sessions, clients: sessions.map((s) => c.withSession(s.secret)) }
}

for (const sc of [MEMORY, REDIS, CLUSTER] as StoreCase[]) {
  describe(`node-appwrite: sessions (${sc.name})`, function () {
    before(function () {
      sc.available(this)
    })

    describe('listing and reading sessions', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      let list: Models.SessionList
      let current: Models.Session
      let other: Models.Session
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 3)
        list = await s.clients[1].listSessions()
        current = await s.clients[1].getSession({ sessionId: 'current' })
        other = await s.clients[1].getSession({ sessionId: s.sessions[2].$id })
      })
      after(() => srv?.close())

      it('lists every session of the account with total', () => {
        assert.equal(list.total, 3)
        assert.deepEqual(list.sessions.map((x) => x.$id).sort(), s.sessions.map((x) => x.$id).sort())
        list.sessions.forEach(assertSessionShape)
      })
      it("marks only the caller's session current", () => {
        assert.deepEqual(list.sessions.filter((x) => x.current).map((x) => x.$id), [s.sessions[1].$id])
      })
      it('never shows a secret to a session client', () => {
        assert.deepEqual(list.sessions.map((x) => x.secret), ['', '', ''])
      })
      it('keeps the fields it was created with', () => {
        const listed = list.sessions.find((x) => x.$id === s.sessions[0].$id) as Models.Session
        assert.deepEqual({ ...listed, current: true, secret: '' }, { ...s.sessions[0], secret: '' })
      })
      it("getSession('current') resolves the caller's session", () => {
        assertSessionShape(current)
        assert.deepEqual([current.$id, current.current, current.secret], [s.sessions[1].$id, true, ''])
      })
      it('getSession(id) reads another session of the account, not current', () => {
        assert.deepEqual([other.$id, other.current, other.userId], [s.sessions[2].$id, false, s.user.$id])
      })
      it('unknown session id → 404 user_session_not_found', () =>
        expectError(s.clients[0].getSession({ sessionId: 'nosuchsession' }), 404, 'user_session_not_found'))
      it("another account's session id → 404 user_session_not_found", async () => {
        const stranger = await signedUp(srv, 1)
        await expectError(s.clients[0].getSession({ sessionId: stranger.sessions[0].$id }), 404, 'user_session_not_found')
      })
    })

    describe('extending a session (PATCH /account/sessions/:id)', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      let extendedAt: number
      let extended: Models.Session
      let reads: User[]
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 2)
        extendedAt = srv.clock.advance(10 * DAY)
        extended = await s.clients[0].updateSession({ sessionId: 'current' })
        reads = [await s.clients[0].get(), await s.clients[0].get()]
      })
      after(() => srv?.close())

      it('answers the Session with expire = now + lifetime', () => {
        assertSessionShape(extended)
        assert.equal(extended.expire, fmt(extendedAt + SESSION_LIFETIME))
      })
      it('moves $updatedAt to now', () => assert.equal(extended.$updatedAt, fmt(extendedAt)))
      it('accessedAt moved after a day of activity (Appwrite refreshes it at most daily)', () => {
        assert.equal(reads[1].accessedAt, fmt(extendedAt))
        assert.equal(reads[1].registration, s.user.registration)
      })
      it('keeps $id and $createdAt, is current, hides the secret', () => {
        assert.deepEqual(
          [extended.$id, extended.$createdAt, extended.current, extended.secret],
          [s.sessions[0].$id, s.sessions[0].$createdAt, true, ''],
        )
      })
      it('the session still works', async () => assert.equal((await s.clients[0].get()).$id, s.user.$id))
      it('can extend another session of the account by id', async () => {
        const e = await s.clients[0].updateSession({ sessionId: s.sessions[1].$id })
        assert.deepEqual([e.$id, e.current, e.expire], [s.sessions[1].$id, false, fmt(srv.clock.t + SESSION_LIFETIME)])
      })
      it('unknown id → 404 user_session_not_found', () =>
        expectError(s.clients[0].updateSession({ sessionId: 'nosuchsession' }), 404, 'user_session_not_found'))
    })

    describe('deleting sessions', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      const seen: Record<string, unknown> = {}
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 4)
        const [a, b, c] = s.clients
        await a.deleteSession({ sessionId: s.sessions[1].$id })
        seen.bAfter = await failure(b.get())
        seen.aList = await a.listSessions()
        seen.unknown = await failure(a.deleteSession({ sessionId: 'nosuchsession' }))
        await a.deleteSession({ sessionId: 'current' })
        seen.aAfter = await failure(a.get())
        seen.cBefore = (await c.get()).$id
        await c.deleteSessions()
        seen.cAfter = await failure(c.get())
        seen.dAfter = await failure(s.clients[3].get())
      })
      after(() => srv?.close())

      it('deleteSession(id) makes that session a guest', () =>
        expectError(seen.bAfter as SdkError, 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('and leaves the others', () => {
        const list = seen.aList as Models.SessionList
        assert.equal(list.total, 3)
        assert.ok(!list.sessions.some((x) => x.$id === s.sessions[1].$id))
        assert.equal(seen.cBefore, s.user.$id)
      })
      it('unknown id → 404 user_session_not_found', () => expectError(seen.unknown as SdkError, 404, 'user_session_not_found'))
      it("deleteSession('current') signs the caller out", () =>
        expectError(seen.aAfter as SdkError, 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('deleteSessions() signs out every session', async () => {
        await expectError(seen.cAfter as SdkError, 401, 'general_unauthorized_scope')
        await expectError(seen.dAfter as SdkError, 401, 'general_unauthorized_scope')
      })
      it('the account can sign in again afterwards', async () => {
        const again = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email: s.email, password: PASSWORD })
        assert.equal((await nodeClients(srv.endpoint).withSession(again.secret).listSessions()).total, 1)
      })
    })

    describe('the 10-session cap', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      let list: Models.SessionList
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 11)
        list = await s.clients[10].listSessions()
      })
      after(() => srv?.close())

      it('the 11th sign-in succeeds and keeps 10 sessions', () => assert.equal(list.total, 10))
      it('the oldest session was evicted silently', async () => {
        assert.deepEqual(list.sessions.map((x) => x.$id).sort(), s.sessions.slice(1).map((x) => x.$id).sort())
        await expectError(s.clients[0].get(), 401, 'general_unauthorized_scope')
      })
      it('the second oldest still works', async () => assert.equal((await s.clients[1].get()).$id, s.user.$id))
    })

    describe('anonymous session, then conversion with PATCH /account/email', function () {
      let srv: TestServer
      let session: Models.Session
      let anon: Account
      let before_: User
      let converted: User
      let email: string
      before(async function () {
        srv = await startServer(sc)
        const c = nodeClients(srv.endpoint)
        session = await c.key.createAnonymousSession()
        anon = c.withSession(session.secret)
        before_ = await anon.get()
        email = uniqueEmail('converted')
        srv.clock.advance(60_000)
        converted = await anon.updateEmail({ email, password: PASSWORD })
      })
      after(() => srv?.close())

      it('answers 201 Session: provider anonymous, factor anonymous, secret for the key', () => {
        assertSessionShape(session)
        assert.deepEqual([session.provider, session.providerUid, session.factors, session.current], ['anonymous', '', ['anonymous'], true])
        assert.equal(decodeSessionValue(session.secret).id, session.userId)
      })
      it('creates an account without email, name, password or targets', () => {
        assertAccountShape(before_)
        assert.deepEqual(
          [before_.$id, before_.email, before_.name, before_.passwordUpdate, before_.targets, before_.status],
          [session.userId, '', '', '', [], true],
        )
      })
      it('a non-key caller gets secret ""', async () => {
        assert.equal((await nodeClients(srv.endpoint).guest.createAnonymousSession()).secret, '')
      })
      it('an anonymous account sets a password without oldPassword', async () => {
        const c = nodeClients(srv.endpoint)
        const other = c.withSession((await c.key.createAnonymousSession()).secret)
        const a = await other.updatePassword({ password: PASSWORD })
        assert.equal(a.passwordUpdate, fmt(srv.clock.t))
      })
      it('an anonymous client cannot create another session', () =>
        expectError(anon.createAnonymousSession(), 401, 'user_session_already_exists'))
      it('updateEmail keeps the same $id and sets email and password', () => {
        assertAccountShape(converted)
        assert.deepEqual([converted.$id, converted.email, converted.passwordUpdate], [before_.$id, email.toLowerCase(), fmt(srv.clock.t)])
        assertEmailTarget(converted)
      })
      it('email sign-in then reaches the same account', async () => {
        const s = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: PASSWORD })
        assert.equal(s.userId, before_.$id)
      })
      it('the anonymous session stays valid', async () => assert.equal((await anon.get()).email, email.toLowerCase()))
    })

    describe('blocking with PATCH /account/status', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      let blocked: User
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 2)
        blocked = await s.clients[0].updateStatus()
      })
      after(() => srv?.close())

      it('answers the Account with status false', () => {
        assertAccountShape(blocked)
        assert.deepEqual([blocked.$id, blocked.status], [s.user.$id, false])
      })
      it('the same session then gets 403 user_blocked', () => expectError(s.clients[0].get(), 403, 'user_blocked'))
      it('other sessions get 403 user_blocked', () => expectError(s.clients[1].listSessions(), 403, 'user_blocked'))
      it('signing in gets 403 user_blocked', () =>
        expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email: s.email, password: PASSWORD }), 403, 'user_blocked'))
    })

    describe('deleting the account (DELETE /account, plain fetch)', function () {
      let srv: TestServer
      let s: Awaited<ReturnType<typeof signedUp>>
      let res: Response
      let body: string
      before(async function () {
        srv = await startServer(sc)
        s = await signedUp(srv, 1)
        res = await raw(srv.endpoint, '/account', { method: 'DELETE', session: s.sessions[0].secret })
        body = await res.text()
      })
      after(() => srv?.close())

      it('answers 204 with no body', () => assert.deepEqual([res.status, body], [204, '']))
      it('its session is now a guest', () => expectError(s.clients[0].get(), 401, 'general_unauthorized_scope'))
      it('its credentials no longer sign in', () =>
        expectError(nodeClients(srv.endpoint).key.createEmailPasswordSession({ email: s.email, password: PASSWORD }), 401, 'user_invalid_credentials'))
      it('the email and id are free again', async () => {
        const again = await nodeClients(srv.endpoint).guest.create({ userId: s.user.$id, email: s.email, password: PASSWORD })
        assert.equal(again.$id, s.user.$id)
      })
      it('a guest gets 401 general_unauthorized_scope', async () => {
        const r = await raw(srv.endpoint, '/account', { method: 'DELETE' })
        assert.equal(r.status, 401)
        assert.equal(((await r.json()) as { type: string }).type, 'general_unauthorized_scope')
      })
      it('an API key alone gets 401 general_unauthorized_scope', async () => {
        const r = await raw(srv.endpoint, '/account', { method: 'DELETE', key: API_KEY })
        assert.equal(r.status, 401)
        assert.equal(((await r.json()) as { type: string }).type, 'general_unauthorized_scope')
      })
    })
  })
}
