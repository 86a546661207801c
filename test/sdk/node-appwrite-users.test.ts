/**
 * node-appwrite 27.1.0 as a real client of the Users service (`/users`, API keys only):
 * every `Users` method the router serves, with its deprecated aliases, success and error paths.
 */
import assert from 'node:assert/strict'
import { Account, AuthenticatorType, Client, ID, Users } from 'node-appwrite'
import {
  API_KEY, DATETIME, MEMORY, PASSWORD, PROJECT, REDIS, assertSessionShape, decodeSessionValue, expectError, fmt, nodeClients,
  plain, startServer, uniqueEmail, type StoreCase, type TestServer,
} from './helpers.js'

/** The User model's keys in Appwrite's order: the Account's, with the hash fields after `name`. */
const USER_KEYS = [
  '$id', '$createdAt', '$updatedAt', 'name', 'password', 'hash', 'hashOptions', 'registration', 'status', 'labels',
  'passwordUpdate', 'email', 'phone', 'emailVerification', 'emailCanonical', 'emailIsFree', 'emailIsDisposable',
  'emailIsCorporate', 'emailIsCanonical', 'phoneVerification', 'mfa', 'prefs', 'targets', 'accessedAt', 'impersonator',
  'impersonatorUserId',
]

function assertUserShape(u: object): void {
  assert.deepEqual(Object.keys(u), USER_KEYS)
  const m = u as Record<string, unknown>
  for (const k of ['$createdAt', '$updatedAt', 'registration', 'accessedAt']) assert.match(m[k] as string, DATETIME, k)
}

function usersClient(endpoint: string, key = API_KEY): Users {
  return new Users(new Client().setEndpoint(endpoint).setProject(PROJECT).setKey(key))
}

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`node-appwrite: Users service (${sc.name})`, function () {
    let srv: TestServer
    let users: Users
    before(async function () {
      sc.available(this)
      srv = await startServer(sc)
      users = usersClient(srv.endpoint)
    })
    after(() => srv?.close())

    it('create → 201 User (hash fields included); get returns the same; duplicates are 409 user_already_exists', async () => {
      const email = uniqueEmail('admin')
      const u = await users.create({ userId: ID.unique(), email, phone: '+14155552671', password: PASSWORD, name: 'Ada' })
      assertUserShape(u)
      assert.deepEqual([u.email, u.phone, u.name, u.emailVerification, u.status], [email.toLowerCase(), '+14155552671', 'Ada', false, true])
      assert.deepEqual(plain([u.hash, u.hashOptions]), ['bcrypt', { type: 'bcrypt', preHash: 'sha256' }])
      assert.match(u.password ?? '', /^\$2[ab]\$04\$/)
      assert.equal(u.passwordUpdate, fmt(srv.clock.now()))
      assert.deepEqual(plain(await users.get({ userId: u.$id })), plain(u))
      await expectError(users.create({ userId: u.$id, email: uniqueEmail() }), 409, 'user_already_exists')
      await expectError(users.create({ userId: ID.unique(), email }), 409, 'user_already_exists')
      await expectError(users.create({ userId: ID.unique(), phone: '+14155552671' }), 409, 'user_already_exists')
    })

    it('create without email, phone or password; bad input is 400 general_argument_invalid', async () => {
      const u = await users.create({ userId: 'custom-id-1' })
      assert.deepEqual([u.$id, u.email, u.phone, u.password, u.hash, u.passwordUpdate], ['custom-id-1', '', '', '', '', ''])
      await expectError(users.create({ userId: ID.unique(), email: 'not-an-email' }), 400, 'general_argument_invalid')
      await expectError(users.create({ userId: ID.unique(), password: 'short' }), 400, 'general_argument_invalid')
      await expectError(users.create({ userId: '-bad' }), 400, 'general_argument_invalid')
    })

    it('get / delete of an unknown user → 404 user_not_found; delete → 204 and the user is gone', async () => {
      await expectError(users.get({ userId: 'nobody' }), 404, 'user_not_found')
      await expectError(users.delete({ userId: 'nobody' }), 404, 'user_not_found')
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('gone'), password: PASSWORD })
      await users.delete({ userId: u.$id })
      await expectError(users.get({ userId: u.$id }), 404, 'user_not_found')
    })

    it('updateName, updateEmail, updatePhone, updateStatus, update{Email,Phone}Verification → User', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('fields'), password: PASSWORD })
      const at = srv.clock.advance(1000)
      const named = await users.updateName({ userId: u.$id, name: 'Grace' })
      assertUserShape(named)
      assert.deepEqual([named.name, named.$updatedAt], ['Grace', fmt(at)])
      assert.equal((await users.updateName({ userId: u.$id, name: '' })).name, '')
      await expectError(users.updateName({ userId: u.$id, name: 'n'.repeat(129) }), 400, 'general_argument_invalid')

      assert.equal((await users.updateEmailVerification({ userId: u.$id, emailVerification: true })).emailVerification, true)
      const moved = uniqueEmail('moved')
      const e = await users.updateEmail({ userId: u.$id, email: moved })
      assert.deepEqual([e.email, e.emailVerification], [moved.toLowerCase(), false], 'a new address is unverified')
      const other = await users.create({ userId: ID.unique(), email: uniqueEmail('other') })
      await expectError(users.updateEmail({ userId: other.$id, email: moved }), 409, 'user_email_already_exists')
      await expectError(users.updateEmail({ userId: u.$id, email: 'nope' }), 400, 'general_argument_invalid')

      const p = await users.updatePhone({ userId: u.$id, number: '+14155550123' })
      assert.equal(p.phone, '+14155550123')
      assert.equal((await users.updatePhoneVerification({ userId: u.$id, phoneVerification: true })).phoneVerification, true)
      await expectError(users.updatePhone({ userId: other.$id, number: '+14155550123' }), 409, 'user_phone_already_exists')
      await expectError(users.updatePhone({ userId: u.$id, number: '123' }), 400, 'general_argument_invalid')
      const cleared = await users.updatePhone({ userId: u.$id, number: '' })
      assert.deepEqual([cleared.phone, cleared.phoneVerification], ['', false])

      const blocked = await users.updateStatus({ userId: u.$id, status: false })
      assert.equal(blocked.status, false)
      assert.equal((await users.updateStatus({ userId: u.$id, status: true })).status, true)
      await expectError(users.updateStatus({ userId: 'nobody', status: false }), 404, 'user_not_found')
    })

    it('updateStatus(false) blocks the user: their session then answers 403 user_blocked', async () => {
      const email = uniqueEmail('blocked')
      const u = await users.create({ userId: ID.unique(), email, password: PASSWORD })
      const s = await users.createSession({ userId: u.$id })
      const me = nodeClients(srv.endpoint).withSession(s.secret)
      assert.equal((await me.get()).$id, u.$id)
      await users.updateStatus({ userId: u.$id, status: false })
      await expectError(me.get(), 403, 'user_blocked')
    })

    it('updatePassword: the new password signs in, the old does not, sessions end; "" removes the password', async () => {
      const email = uniqueEmail('pw')
      const u = await users.create({ userId: ID.unique(), email, password: PASSWORD })
      const s = await users.createSession({ userId: u.$id })
      const updated = await users.updatePassword({ userId: u.$id, password: 'brand new password' })
      assertUserShape(updated)
      const c = nodeClients(srv.endpoint)
      await expectError(c.withSession(s.secret).get(), 401, 'general_unauthorized_scope')
      await expectError(c.guest.createEmailPasswordSession({ email, password: PASSWORD }), 401, 'user_invalid_credentials')
      assert.equal((await c.key.createEmailPasswordSession({ email, password: 'brand new password' })).userId, u.$id)
      await expectError(users.updatePassword({ userId: u.$id, password: 'short' }), 400, 'general_argument_invalid')
      const removed = await users.updatePassword({ userId: u.$id, password: '' })
      assert.deepEqual([removed.password, removed.hash], ['', ''])
      await expectError(c.guest.createEmailPasswordSession({ email, password: 'brand new password' }), 401, 'user_invalid_credentials')
    })

    it('getPrefs / updatePrefs → the prefs object (replaced whole)', async () => {
      const u = await users.create({ userId: ID.unique() })
      assert.deepEqual(plain(await users.getPrefs({ userId: u.$id })), {})
      assert.deepEqual(plain(await users.updatePrefs({ userId: u.$id, prefs: { theme: 'dark', n: [1, 2] } })), { theme: 'dark', n: [1, 2] })
      assert.deepEqual(plain(await users.updatePrefs({ userId: u.$id, prefs: { lang: 'en' } })), { lang: 'en' })
      assert.deepEqual(plain(await users.getPrefs({ userId: u.$id })), { lang: 'en' })
      await expectError(users.updatePrefs({ userId: u.$id, prefs: { blob: 'x'.repeat(65_536) } }), 400, 'general_argument_invalid')
      await expectError(users.getPrefs({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('updateMfa / updateMFA, listMfaFactors / listMFAFactors', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('mfa'), password: PASSWORD })
      assert.equal((await users.updateMfa({ userId: u.$id, mfa: true })).mfa, true)
      assert.equal((await users.updateMFA({ userId: u.$id, mfa: false })).mfa, false)
      await expectError(users.updateMfa({ userId: u.$id, mfa: 'yes' as unknown as boolean }), 400, 'general_argument_invalid')
      const none = { totp: false, phone: false, email: false, recoveryCode: false }
      const f = plain(await users.listMfaFactors({ userId: u.$id })) as unknown as Record<string, boolean>
      for (const [k, value] of Object.entries(none)) assert.equal(f[k], value, k)
      await users.updateEmailVerification({ userId: u.$id, emailVerification: true })
      assert.equal((await users.listMFAFactors({ userId: u.$id })).email, true)
    })

    it('MFA recovery codes: create / createMFA, get / getMFA, update / updateMFA; authenticator delete (both names)', async () => {
      const email = uniqueEmail('codes')
      const u = await users.create({ userId: ID.unique(), email, password: PASSWORD })
      await expectError(users.getMfaRecoveryCodes({ userId: u.$id }), 404, 'user_recovery_codes_not_found')
      await expectError(users.updateMfaRecoveryCodes({ userId: u.$id }), 404, 'user_recovery_codes_not_found')
      const created = await users.createMfaRecoveryCodes({ userId: u.$id })
      assert.equal(created.recoveryCodes.length, 6)
      await expectError(users.createMFARecoveryCodes({ userId: u.$id }), 409, 'user_recovery_codes_already_exists')
      assert.deepEqual((await users.getMfaRecoveryCodes({ userId: u.$id })).recoveryCodes, created.recoveryCodes)
      assert.deepEqual((await users.getMFARecoveryCodes({ userId: u.$id })).recoveryCodes, created.recoveryCodes)
      const regenerated = await users.updateMfaRecoveryCodes({ userId: u.$id })
      assert.notDeepEqual(regenerated.recoveryCodes, created.recoveryCodes)
      const again = await users.updateMFARecoveryCodes({ userId: u.$id })
      assert.deepEqual((await users.getMfaRecoveryCodes({ userId: u.$id })).recoveryCodes, again.recoveryCodes)

      const other = await users.create({ userId: ID.unique() })
      const fresh = await users.createMFARecoveryCodes({ userId: other.$id })
      assert.equal(fresh.recoveryCodes.length, 6)

      // An authenticator added by the user, removed by the administrator (no challenge needed).
      await expectError(users.deleteMfaAuthenticator({ userId: u.$id, type: AuthenticatorType.Totp }), 404, 'user_authenticator_not_found')
      const me = nodeClients(srv.endpoint).withSession((await users.createSession({ userId: u.$id })).secret)
      await me.createMfaAuthenticator({ type: AuthenticatorType.Totp })
      await users.deleteMfaAuthenticator({ userId: u.$id, type: AuthenticatorType.Totp })
      await expectError(users.deleteMFAAuthenticator({ userId: u.$id, type: AuthenticatorType.Totp }), 404, 'user_authenticator_not_found')
      await me.createMfaAuthenticator({ type: AuthenticatorType.Totp })
      await users.deleteMFAAuthenticator({ userId: u.$id, type: AuthenticatorType.Totp })
      await expectError(users.deleteMfaAuthenticator({ userId: u.$id, type: 'sms' as AuthenticatorType }), 400, 'general_argument_invalid')
    })

    it('createSession → Session with its secret; listSessions, deleteSession, deleteSessions', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('sess'), password: PASSWORD })
      const s1 = await users.createSession({ userId: u.$id })
      assertSessionShape(s1)
      assert.deepEqual([s1.userId, s1.provider, s1.factors, s1.current], [u.$id, 'server', ['server'], false])
      assert.equal(decodeSessionValue(s1.secret).id, u.$id)
      const me = nodeClients(srv.endpoint).withSession(s1.secret)
      assert.equal((await me.get()).$id, u.$id, 'the secret is a working session value')
      srv.clock.advance(1000)
      const s2 = await users.createSession({ userId: u.$id })
      const listed = await users.listSessions({ userId: u.$id })
      assert.equal(listed.total, 2)
      assert.deepEqual(listed.sessions.map((s) => s.$id), [s1.$id, s2.$id])
      for (const s of listed.sessions) assert.deepEqual([s.secret, s.current], ['', false])
      await users.deleteSession({ userId: u.$id, sessionId: s1.$id })
      await expectError(me.get(), 401, 'general_unauthorized_scope')
      await expectError(users.deleteSession({ userId: u.$id, sessionId: s1.$id }), 404, 'user_session_not_found')
      await users.createSession({ userId: u.$id })
      await users.deleteSessions({ userId: u.$id })
      assert.equal((await users.listSessions({ userId: u.$id })).total, 0)
      await expectError(users.listSessions({ userId: 'nobody' }), 404, 'user_not_found')
      await expectError(users.createSession({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('createToken → Token whose secret signs in once through account.createSession', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('tok') })
      const t = await users.createToken({ userId: u.$id })
      assert.deepEqual(Object.keys(t), ['$id', '$createdAt', 'userId', 'secret', 'expire', 'phrase'])
      assert.match(t.secret, /^[A-Za-z0-9]{6}$/)
      assert.equal(t.expire, fmt(srv.clock.now() + 900_000))
      const long = await users.createToken({ userId: u.$id, length: 64, expire: 60 })
      assert.equal(long.secret.length, 64)
      assert.equal(long.expire, fmt(srv.clock.now() + 60_000))
      const c = nodeClients(srv.endpoint)
      const s = await c.guest.createSession({ userId: u.$id, secret: t.secret })
      assert.equal(s.userId, u.$id)
      await expectError(c.guest.createSession({ userId: u.$id, secret: t.secret }), 401, 'user_invalid_token')
      await expectError(users.createToken({ userId: u.$id, length: 3 }), 400, 'general_argument_invalid')
      await expectError(users.createToken({ userId: u.$id, expire: 59 }), 400, 'general_argument_invalid')
      await expectError(users.createToken({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('createJWT → a JWT for a session (given, or the newest); 404 without one', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('jwt') })
      await expectError(users.createJWT({ userId: u.$id }), 404, 'user_session_not_found')
      const s1 = await users.createSession({ userId: u.$id })
      srv.clock.advance(1000)
      const s2 = await users.createSession({ userId: u.$id })
      const client = (jwt: string) => new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setJWT(jwt))
      const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>
      const newest = await users.createJWT({ userId: u.$id })
      assert.equal((await client(newest.jwt).get()).$id, u.$id)
      assert.equal(claimsOf(newest.jwt).sessionId, s2.$id, 'no sessionId: the newest session')
      const first = await users.createJWT({ userId: u.$id, sessionId: s1.$id, duration: 60 })
      assert.equal((await client(first.jwt).get()).$id, u.$id)
      const claims = claimsOf(first.jwt)
      assert.deepEqual([claims.sessionId, (claims.exp as number) - (claims.iat as number)], [s1.$id, 60])
      const recent = claimsOf((await users.createJWT({ userId: u.$id, sessionId: 'recent' })).jwt)
      assert.equal(recent.sessionId, s2.$id)
      await expectError(users.createJWT({ userId: u.$id, sessionId: 'nope' }), 404, 'user_session_not_found')
      await expectError(users.createJWT({ userId: u.$id, duration: 3601 }), 400, 'general_argument_invalid')
      await expectError(users.createJWT({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('listMemberships → an empty list (there are no teams); 404 for an unknown user', async () => {
      const u = await users.create({ userId: ID.unique() })
      assert.deepEqual(plain(await users.listMemberships({ userId: u.$id })), { total: 0, memberships: [] })
      await expectError(users.listMemberships({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('a wrong key is 401 general_unauthorized_scope; a user session grants nothing on /users', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('scope'), password: PASSWORD })
      await expectError(usersClient(srv.endpoint, 'wrong-key-wrong-key').get({ userId: u.$id }), 401, 'general_unauthorized_scope')
      const s = await users.createSession({ userId: u.$id })
      const asUser = new Users(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(s.secret))
      await expectError(asUser.get({ userId: u.$id }), 401, 'general_unauthorized_scope', 'User (role: users) missing scopes (["users.read"])')
      await expectError(asUser.delete({ userId: u.$id }), 401, 'general_unauthorized_scope', 'User (role: users) missing scopes (["users.write"])')
      assert.equal((await users.get({ userId: u.$id })).$id, u.$id, 'still there')
    })
  })
}
