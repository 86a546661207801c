/**
 * The Users service is for API keys only. Attacks: every `/users` route called as a guest, as
 * a signed-in user (session header), with the user's JWT, and with a wrong key must answer
 * 401 `general_unauthorized_scope` and change nothing. Keys are never rate limited.
 */
import assert from 'node:assert/strict'
import { makeIdentity } from '../../lib/testing/fixtures.js'
import { API_KEY, MEMORY, PASSWORD, raw, startServer, uniqueEmail, type TestServer } from '../sdk/helpers.js'

/** Every route the Users service serves (method, path with `{u}` for the user id). */
const ROUTES: Array<[string, string]> = [
  ['POST', '/users'],
  ['POST', '/users/argon2'], ['POST', '/users/bcrypt'], ['POST', '/users/md5'], ['POST', '/users/phpass'],
  ['POST', '/users/sha'], ['POST', '/users/scrypt'], ['POST', '/users/scrypt-modified'],
  ['GET', '/users/{u}'], ['DELETE', '/users/{u}'],
  ['PATCH', '/users/{u}/name'], ['PATCH', '/users/{u}/email'], ['PATCH', '/users/{u}/phone'], ['PATCH', '/users/{u}/password'],
  ['PATCH', '/users/{u}/status'], ['PATCH', '/users/{u}/verification'], ['PATCH', '/users/{u}/verification/phone'],
  ['GET', '/users/{u}/prefs'], ['PATCH', '/users/{u}/prefs'], ['PATCH', '/users/{u}/mfa'],
  ['GET', '/users/{u}/mfa/factors'], ['DELETE', '/users/{u}/mfa/authenticators/totp'],
  ['GET', '/users/{u}/mfa/recovery-codes'], ['PATCH', '/users/{u}/mfa/recovery-codes'], ['PUT', '/users/{u}/mfa/recovery-codes'],
  ['GET', '/users/{u}/sessions'], ['POST', '/users/{u}/sessions'], ['DELETE', '/users/{u}/sessions'],
  ['DELETE', '/users/{u}/sessions/abc'], ['POST', '/users/{u}/tokens'], ['POST', '/users/{u}/jwts'],
  ['GET', '/users/{u}/memberships'],
  ['PUT', '/users/{u}/labels'], ['PATCH', '/users/{u}/impersonator'], ['GET', '/users/{u}/logs'],
  ['GET', '/users/{u}/targets'], ['POST', '/users/{u}/targets'], ['GET', '/users/{u}/targets/t1'],
  ['PATCH', '/users/{u}/targets/t1'], ['DELETE', '/users/{u}/targets/t1'], ['GET', '/users/identities'], ['DELETE', '/users/identities/i1'],
  // Not served (yet) still answers 401, never 404, to a caller without a key.
  ['GET', '/users/{u}/no-such-route'],
]

describe('Users service: API keys only (attack on every route)', function () {
  let srv: TestServer
  let userId: string
  let email: string
  let session: string
  let jwt: string
  before(async function () {
    srv = await startServer(MEMORY, { rateLimits: true })
    email = uniqueEmail('victim')
    const created = await (await raw(srv.endpoint, '/users', { method: 'POST', key: API_KEY, body: { userId: 'unique()', email, password: PASSWORD } })).json() as { $id: string }
    userId = created.$id
    const s = await (await raw(srv.endpoint, `/users/${userId}/sessions`, { method: 'POST', key: API_KEY })).json() as { secret: string }
    session = s.secret
    jwt = ((await (await raw(srv.endpoint, `/users/${userId}/jwts`, { method: 'POST', key: API_KEY })).json()) as { jwt: string }).jwt
  })
  after(() => srv?.close())

  const callers: Array<[string, () => { session?: string; key?: string; headers?: Record<string, string> }]> = [
    ['a guest', () => ({})],
    ['the user\'s own session', () => ({ session })],
    ['the user\'s JWT', () => ({ headers: { 'x-appwrite-jwt': jwt } })],
    ['a wrong key', () => ({ key: 'server-key-sdk-conformancX' })],
    ['a key prefix', () => ({ key: API_KEY.slice(0, -1) })],
  ]
  for (const [who, auth] of callers) {
    it(`${who}: 401 general_unauthorized_scope on every route, nothing changes`, async () => {
      for (const [method, path] of ROUTES) {
        const body = { userId: 'unique()', email: uniqueEmail('x'), password: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq', name: 'pwned', status: false, prefs: { a: 1 }, labels: ['pwned'], impersonator: true, targetId: 't1', providerType: 'push', identifier: 'attacker-device' }
        const res = await raw(srv.endpoint, path.replace('{u}', userId), { method, body, ...auth() })
        const got = await res.json() as { type: string; code: number }
        assert.deepEqual([res.status, got.type, got.code], [401, 'general_unauthorized_scope', 401], `${method} ${path}`)
      }
      const user = await (await raw(srv.endpoint, `/users/${userId}`, { key: API_KEY })).json() as {
        name: string; status: boolean; prefs: object; labels: string[]; impersonator: boolean; targets: Array<{ providerType: string }>
      }
      assert.deepEqual([user.name, user.status, user.prefs, user.labels, user.impersonator], ['', true, {}, [], false])
      assert.deepEqual(user.targets.map((t) => t.providerType), ['email'], 'no target added')
      const sessions = await (await raw(srv.endpoint, `/users/${userId}/sessions`, { key: API_KEY })).json() as { total: number }
      assert.equal(sessions.total, 1)
    })
  }

  it('the listing of every account\'s identities gives nothing of them to any caller but a key', async () => {
    const identity = makeIdentity(userId, { providerAccessToken: `tok-${userId}`, providerRefreshToken: `ref-${userId}` })
    assert.deepEqual(await srv.accounts.store.insertIdentity(identity), { ok: true })
    const paths = ['/users/identities', `/users/identities?queries[0]=${encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'userId', values: [userId] }))}`,
      `/users/identities?search=${userId}`]
    for (const [who, auth] of callers) {
      for (const path of paths) {
        const res = await raw(srv.endpoint, path, auth())
        const text = await res.text()
        assert.equal(res.status, 401, `${who} ${path}`)
        assert.equal((JSON.parse(text) as { type: string }).type, 'general_unauthorized_scope', `${who} ${path}`)
        for (const secret of [identity.id, identity.providerUid, identity.providerAccessToken, identity.providerRefreshToken]) {
          assert.ok(!text.includes(secret), `${who} ${path} leaked ${secret}`)
        }
      }
    }
    // The key sees it, so the checks above look at a listing that has the identity.
    const listed = await (await raw(srv.endpoint, paths[1]!, { key: API_KEY })).json() as { total: number; identities: Array<{ providerAccessToken: string }> }
    assert.deepEqual([listed.total, listed.identities[0]?.providerAccessToken], [1, identity.providerAccessToken])
  })

  it('keys are not rate limited: 40 tokens and 40 password changes in a row, no X-RateLimit headers', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await raw(srv.endpoint, `/users/${userId}/tokens`, { method: 'POST', key: API_KEY })
      assert.equal(res.status, 201)
      assert.equal(res.headers.get('x-ratelimit-limit'), null)
      const s = await raw(srv.endpoint, `/users/${userId}/password`, { method: 'PATCH', key: API_KEY, body: { password: PASSWORD } })
      assert.equal(s.status, 200, `password change ${i}`)
    }
  })
})
