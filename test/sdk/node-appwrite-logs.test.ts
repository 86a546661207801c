/**
 * node-appwrite 27.1.0 `Account.listLogs` against the security log: a full account lifecycle
 * leaves one entry per step, newest first, with the request's IP and parsed User-Agent; the
 * count cap drops the oldest; deleting the account deletes its log.
 */
import assert from 'node:assert/strict'
import { ID, Query, type Models } from 'node-appwrite'
import { parseUserAgent } from '../../lib/client-info.js'
import {
  CHROME_70_WINDOWS, MEMORY, NODE_SDK_UA, PASSWORD, REDIS, expectError, fmt, nodeClients, raw, startServer, uniqueEmail,
  type StoreCase, type TestServer,
} from './helpers.js'

const LOG_KEYS = [
  'event', 'userId', 'userEmail', 'userName', 'mode', 'userType', 'ip', 'time', 'osCode', 'osName', 'osVersion',
  'clientType', 'clientCode', 'clientName', 'clientVersion', 'clientEngine', 'clientEngineVersion', 'deviceName',
  'deviceBrand', 'deviceModel', 'countryCode', 'countryName',
]
const UA_FIELDS = ['osCode', 'osName', 'osVersion', 'clientType', 'clientCode', 'clientName', 'clientVersion', 'clientEngine', 'clientEngineVersion', 'deviceName', 'deviceBrand', 'deviceModel'] as const
const uaOf = (log: Models.Log) => Object.fromEntries(UA_FIELDS.map((k) => [k, log[k]]))

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`node-appwrite: security log (${sc.name})`, function () {
    before(function () {
      sc.available(this)
    })

    describe('a full lifecycle', function () {
      let srv: TestServer
      let userId: string
      let email: string
      let list: Models.LogList
      const times: Record<string, number> = {}
      before(async function () {
        srv = await startServer(sc)
        const c = nodeClients(srv.endpoint)
        email = uniqueEmail('logs')
        const step = (name: string) => {
          times[name] = srv.clock.advance(1000)
        }
        step('user.create')
        userId = (await c.guest.create({ userId: ID.unique(), email, password: PASSWORD, name: 'Ada Lovelace' })).$id
        step('session.fail')
        await expectError(c.keyForwarding(CHROME_70_WINDOWS).createEmailPasswordSession({ email, password: 'wrong password here' }), 401, 'user_invalid_credentials')
        step('session.create.email')
        const session = await c.keyForwarding(CHROME_70_WINDOWS).createEmailPasswordSession({ email, password: PASSWORD })
        const me = c.withSession(session.secret)
        step('user.update.name')
        await me.updateName({ name: 'Ada King' })
        step('user.update.prefs')
        await me.updatePrefs({ prefs: { theme: 'dark' } })
        step('jwt.create')
        await me.createJWT()
        step('user.update.password')
        await me.updatePassword({ password: 'a much better passphrase', oldPassword: PASSWORD })
        step('list')
        list = await me.listLogs()
      })
      after(() => srv?.close())

      it('answers a LogList with every step, newest first, and total', () => {
        assert.deepEqual(list.logs.map((l) => l.event), [
          'user.update.password', 'jwt.create', 'user.update.prefs', 'user.update.name', 'session.create.email', 'session.fail', 'user.create',
        ])
        assert.equal(list.total, 7)
      })
      it('each entry is a Log model with Appwrite keys in order and the time of its step', () => {
        for (const log of list.logs) {
          assert.deepEqual(Object.keys(log), LOG_KEYS)
          assert.equal(log.time, fmt(times[log.event]!), log.event)
          assert.equal(log.ip, '127.0.0.1')
          assert.deepEqual([log.countryCode, log.countryName], ['--', 'Unknown'])
        }
      })
      it('parses the User-Agent of each request: the forwarded browser for key sign-ins, the SDK otherwise', () => {
        const byEvent = Object.fromEntries(list.logs.map((l) => [l.event, l]))
        assert.deepEqual(uaOf(byEvent['session.create.email']!), parseUserAgent(CHROME_70_WINDOWS))
        assert.deepEqual(uaOf(byEvent['session.fail']!), parseUserAgent(CHROME_70_WINDOWS))
        assert.equal(byEvent['session.create.email']!.osCode, 'WIN')
        assert.deepEqual(uaOf(byEvent['user.update.name']!), parseUserAgent(NODE_SDK_UA))
      })
      it('records who acted and how: the account, in default mode; a key caller in admin mode; a failed sign-in as a guest', () => {
        const byEvent = Object.fromEntries(list.logs.map((l) => [l.event, l]))
        assert.deepEqual([byEvent['user.update.name']!.userId, byEvent['user.update.name']!.userName, byEvent['user.update.name']!.mode], [userId, 'Ada King', 'default'])
        assert.equal(byEvent['user.update.name']!.userEmail, email.toLowerCase())
        assert.equal(byEvent['session.create.email']!.mode, 'admin')
        assert.equal(byEvent['session.fail']!.userType, 'guest')
      })
      it('pages with Query.limit / Query.offset; total counts them all', async () => {
        const session = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'a much better passphrase' })
        const client = nodeClients(srv.endpoint).withSession(session.secret)
        const page = await client.listLogs({ queries: [Query.limit(2), Query.offset(1)] })
        assert.equal(page.total, 8)
        assert.deepEqual(page.logs.map((l) => l.event), ['user.update.password', 'jwt.create'])
        assert.equal((await client.listLogs({ total: false })).total, 0)
      })
      it('refuses an unknown query method with 400 general_query_invalid', async () => {
        const session = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'a much better passphrase' })
        const client = nodeClients(srv.endpoint).withSession(session.secret)
        await expectError(client.listLogs({ queries: [Query.equal('event', 'x')] }), 400, 'general_query_invalid')
      })
      it('a guest gets 401', async () => {
        await expectError(nodeClients(srv.endpoint).guest.listLogs(), 401, 'general_unauthorized_scope')
      })
      it('deleting the account deletes its log', async () => {
        const session = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'a much better passphrase' })
        const res = await raw(srv.endpoint, '/account', { method: 'DELETE', session: session.secret })
        assert.equal(res.status, 204)
        assert.deepEqual((await srv.accounts.listLogs(userId)).logs, [])
        assert.deepEqual(await srv.accounts.store.listLogs(userId, { now: srv.clock.t, maxAgeMs: 1e12 }), [])
      })
    })

    describe('the count cap', function () {
      let srv: TestServer
      after(() => srv?.close())
      it('keeps the newest maxEntries of the account’s own entries, dropping the oldest', async () => {
        srv = await startServer(sc, { securityLog: { maxEntries: 4 } })
        const c = nodeClients(srv.endpoint)
        const email = uniqueEmail('cap')
        await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
        let secret = ''
        for (let i = 0; i < 3; i++) {
          srv.clock.advance(1000)
          secret = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
        }
        srv.clock.advance(1000)
        await c.withSession(secret).updateName({ name: 'Last' })
        const list = await c.withSession(secret).listLogs()
        assert.deepEqual(list.logs.map((l) => l.event), ['user.update.name', 'session.create.email', 'session.create.email', 'session.create.email'])
        assert.equal(list.total, 4, 'user.create, the oldest, was dropped')
      })
    })
  })
}
