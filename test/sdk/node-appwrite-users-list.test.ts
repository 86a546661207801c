/**
 * `GET /users` and `GET /users/identities` through node-appwrite's real `Users` class and its
 * `Query` builders: models, queries, search, cursors, totals, errors, and the API-key gate.
 */
import assert from 'node:assert/strict'
import { Client, Query, Users, type Models } from 'node-appwrite'
import { API_KEY, CLUSTER, MEMORY, PASSWORD, PROJECT, REDIS, expectError, raw, startServer, type StoreCase, type TestServer } from './helpers.js'

const USER_KEYS = [
  '$id', '$createdAt', '$updatedAt', 'name', 'password', 'hash', 'hashOptions', 'registration', 'status', 'labels',
  'passwordUpdate', 'email', 'phone', 'emailVerification', 'emailCanonical', 'emailIsFree', 'emailIsDisposable',
  'emailIsCorporate', 'emailIsCanonical', 'phoneVerification', 'mfa', 'prefs', 'targets', 'accessedAt', 'impersonator',
  'impersonatorUserId',
]

const PEOPLE = [
  { id: 'ada', name: 'Ada Lovelace', email: 'ada@analytical.example' },
  { id: 'grace', name: 'Grace Hopper', email: 'grace@navy.example' },
  { id: 'alan', name: 'Alan Turing', email: 'alan@bletchley.example' },
  { id: 'adele', name: 'Adele Goldberg', email: 'adele@parc.example' },
  { id: 'edsger', name: 'Edsger Dijkstra', email: 'edsger@tue.example' },
]

for (const sc of [MEMORY, REDIS, CLUSTER] as StoreCase[]) {
  describe(`node-appwrite Users.list (${sc.name})`, function () {
    let s: TestServer
    let users: Users
    const names = (list: Models.UserList<Models.Preferences>) => list.users.map((u) => u.$id)

    before(async function () {
      sc.available(this)
      s = await startServer(sc)
      users = new Users(new Client().setEndpoint(s.endpoint).setProject(PROJECT).setKey(API_KEY))
      for (const p of PEOPLE) {
        s.clock.advance(1000) // distinct registration times: the default order
        await s.accounts.createAccount({ userId: p.id, email: p.email, password: PASSWORD, name: p.name })
      }
      await s.accounts.update('grace', (a) => { a.status = false; a.labels = ['admin', 'navy'] })
      await s.accounts.update('alan', (a) => { a.labels = ['admin'] })
    })
    after(async () => {
      await s?.close()
    })

    it('lists every user as Appwrite\'s UserList of User models, in registration order', async () => {
      const list = await users.list()
      assert.equal(list.total, 5)
      assert.deepEqual(names(list), ['ada', 'grace', 'alan', 'adele', 'edsger'])
      const ada = list.users[0]!
      assert.deepEqual(Object.keys(ada), USER_KEYS)
      assert.match(ada.password ?? '', /^\$2[aby]\$/)
      assert.equal(ada.hash, 'bcrypt')
      assert.equal(ada.email, 'ada@analytical.example')
      assert.equal(ada.targets.length, 1)
    })

    it('filters with equal, notEqual, contains and boolean attributes', async () => {
      assert.deepEqual(names(await users.list([Query.equal('status', false)])), ['grace'])
      assert.deepEqual(names(await users.list([Query.notEqual('status', false)])), ['ada', 'alan', 'adele', 'edsger'])
      assert.deepEqual(names(await users.list([Query.contains('labels', 'admin')])), ['grace', 'alan'])
      assert.deepEqual(names(await users.list([Query.equal('email', ['alan@bletchley.example', 'ada@analytical.example'])])), ['ada', 'alan'])
      assert.deepEqual(names(await users.list([Query.equal('emailVerification', true)])), [])
      assert.equal((await users.list([Query.equal('status', true)])).total, 4)
    })

    it('takes startsWith, ranges and orders', async () => {
      assert.deepEqual(names(await users.list([Query.startsWith('name', 'Ad')])), ['ada', 'adele'])
      assert.deepEqual(names(await users.list([Query.orderDesc('name'), Query.limit(2)])), ['grace', 'edsger'])
      const all = await users.list()
      const reg = all.users.map((u) => u.registration)
      assert.deepEqual(names(await users.list([Query.greaterThan('registration', reg[2]!)])), ['adele', 'edsger'])
      assert.deepEqual(names(await users.list([Query.between('registration', reg[1]!, reg[2]!)])), ['grace', 'alan'])
      assert.deepEqual(names(await users.list([Query.lessThanEqual('registration', reg[0]!)])), ['ada'])
      assert.deepEqual(names(await users.list([Query.isNotNull('passwordUpdate'), Query.limit(1)])), ['ada'])
      assert.deepEqual(names(await users.list([Query.isNull('phone'), Query.limit(1)])), ['ada'])
    })

    it('pages with limit, offset, cursorAfter and cursorBefore, the total counting every match', async () => {
      const p1 = await users.list([Query.limit(2)])
      assert.deepEqual([p1.total, names(p1)], [5, ['ada', 'grace']])
      const p2 = await users.list([Query.limit(2), Query.cursorAfter('grace')])
      assert.deepEqual([p2.total, names(p2)], [5, ['alan', 'adele']])
      assert.deepEqual(names(await users.list([Query.limit(2), Query.cursorBefore('adele')])), ['grace', 'alan'])
      assert.deepEqual(names(await users.list([Query.limit(2), Query.offset(3)])), ['adele', 'edsger'])
      assert.deepEqual(names(await users.list([Query.orderDesc('name'), Query.cursorAfter('edsger'), Query.limit(2)])), ['alan', 'adele'])
      const noTotal = await users.list({ queries: [Query.limit(1)], total: false })
      assert.deepEqual([noTotal.total, names(noTotal)], [0, ['ada']])
    })

    it('searches id, name, email and phone by word prefixes', async () => {
      assert.deepEqual(names(await users.list([], 'ad')).sort(), ['ada', 'adele'])
      assert.deepEqual(names(await users.list([], 'hopper')), ['grace'])
      assert.deepEqual(names(await users.list([], 'bletchley')), ['alan'])
      assert.deepEqual(names(await users.list([], 'GRACE navy')), ['grace'])
      assert.deepEqual(names(await users.list([Query.equal('status', true)], 'ad')).sort(), ['ada', 'adele'])
      assert.equal((await users.list([], 'nobody-here')).total, 0)
      assert.deepEqual(names(await users.list([Query.orderDesc('name')], 'a')), ['alan', 'adele', 'ada'])
    })

    it('answers 400 for what it cannot answer, never a silent full list', async () => {
      await expectError(users.list([Query.equal('password', 'x')]), 400, 'general_argument_invalid', /Attribute not found in schema: password/)
      await expectError(users.list([Query.regex('name', 'A.*')]), 400, 'general_argument_invalid', /Query method not valid: regex/)
      await expectError(users.list([Query.endsWith('email', '.example')]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.or([Query.equal('name', 'x'), Query.equal('name', 'y')])]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.equal('status', 'yes')]), 400, 'general_argument_invalid', /Query value is invalid/)
      await expectError(users.list([Query.startsWith('status', '1')]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.isNull('name')]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.limit(5001)]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.orderAsc('labels')]), 400, 'general_argument_invalid')
      await expectError(users.list([Query.orderAsc('name'), Query.orderDesc('email')]), 400, 'general_argument_invalid')
      await expectError(users.list(['not json']), 400, 'general_query_invalid')
      await expectError(users.list([Query.cursorAfter('nobody')]), 400, 'general_cursor_not_found')
      await expectError(users.list([], 'x'.repeat(257)), 400, 'general_argument_invalid')
    })

    it('refuses every caller without an API key with 401 general_unauthorized_scope', async () => {
      const guest = new Users(new Client().setEndpoint(s.endpoint).setProject(PROJECT))
      await expectError(guest.list(), 401, 'general_unauthorized_scope', 'User (role: guests) missing scopes (["users.read"])')
      await expectError(guest.listIdentities(), 401, 'general_unauthorized_scope')
      const wrongKey = new Users(new Client().setEndpoint(s.endpoint).setProject(PROJECT).setKey(`${API_KEY}x`))
      await expectError(wrongKey.list(), 401, 'general_unauthorized_scope')
      // A signed-in user is no key either.
      const signIn = await raw(s.endpoint, '/account/sessions/email', { method: 'POST', body: { email: 'ada@analytical.example', password: PASSWORD } })
      assert.equal(signIn.status, 201)
      const session = (await signIn.json()) as { $id: string }
      assert.ok(session.$id)
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const asUser = await raw(s.endpoint, '/users', { headers: { cookie } })
      assert.equal(asUser.status, 401)
      assert.equal(((await asUser.json()) as { type: string }).type, 'general_unauthorized_scope')
    })
  })
}
