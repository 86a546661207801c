/**
 * node-appwrite 27.1.0 `Users` methods that join the Users service to issue 12's features:
 * updateLabels, updateImpersonator, the target methods, listLogs; the password policy on
 * Users create / updatePassword (imports unchecked); impersonated requests in the security log.
 */
import assert from 'node:assert/strict'
import bcrypt from 'bcrypt'
import { Account, Client, ID, MessagingProviderType, Query, Users } from 'node-appwrite'
import { makeIdentity } from '../../lib/testing/fixtures.js'
import {
  API_KEY, MEMORY, PASSWORD, PROJECT, REDIS, expectError, nodeClients, plain, startServer, uniqueEmail, type StoreCase,
  type TestServer,
} from './helpers.js'

const TARGET_KEYS = ['$id', '$createdAt', '$updatedAt', 'name', 'userId', 'providerId', 'providerType', 'identifier', 'expired']
const LOG_KEYS = [
  'event', 'userId', 'userEmail', 'userName', 'mode', 'userType', 'ip', 'time', 'osCode', 'osName', 'osVersion', 'clientType',
  'clientCode', 'clientName', 'clientVersion', 'clientEngine', 'clientEngineVersion', 'deviceName', 'deviceBrand', 'deviceModel',
  'countryCode', 'countryName',
]

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`node-appwrite: Users labels, impersonator, targets, logs, password policy (${sc.name})`, function () {
    let srv: TestServer
    let users: Users
    before(async function () {
      sc.available(this)
      srv = await startServer(sc)
      users = new Users(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setKey(API_KEY))
    })
    after(() => srv?.close())

    it('updateLabels → User with the labels (replaced whole); Appwrite\'s label rules → 400; unknown user → 404', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('labels') })
      const labelled = await users.updateLabels({ userId: u.$id, labels: ['vip', 'beta'] })
      assert.deepEqual(plain(labelled.labels), ['vip', 'beta'])
      assert.deepEqual(plain((await users.updateLabels({ userId: u.$id, labels: ['gold'] })).labels), ['gold'])
      await expectError(users.updateLabels({ userId: u.$id, labels: ['not-alphanumeric'] }), 400, 'general_argument_invalid')
      await expectError(users.updateLabels({ userId: u.$id, labels: ['x'.repeat(37)] }), 400, 'general_argument_invalid')
      assert.deepEqual(plain((await users.get({ userId: u.$id })).labels), ['gold'], 'a refused change changes nothing')
      await expectError(users.updateLabels({ userId: 'nobody', labels: ['a'] }), 404, 'user_not_found')
    })

    it('updateImpersonator → User with the flag; the flag lets the user impersonate, and revoking it stops that at once', async () => {
      const c = nodeClients(srv.endpoint)
      const staffEmail = uniqueEmail('staff')
      const staff = await users.create({ userId: ID.unique(), email: staffEmail, password: PASSWORD })
      const other = await users.create({ userId: ID.unique(), email: uniqueEmail('other') })
      const secret = (await c.key.createEmailPasswordSession({ email: staffEmail, password: PASSWORD })).secret
      const asOther = new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(secret).setImpersonateUserId(other.$id))
      await expectError(asOther.get(), 401, 'user_unauthorized')
      const flagged = await users.updateImpersonator({ userId: staff.$id, impersonator: true })
      assert.equal(flagged.impersonator, true)
      assert.equal((await asOther.get()).$id, other.$id)
      assert.equal((await users.updateImpersonator({ userId: staff.$id, impersonator: false })).impersonator, false)
      await expectError(asOther.get(), 401, 'user_unauthorized')
      await expectError(users.updateImpersonator({ userId: 'nobody', impersonator: true }), 404, 'user_not_found')
    })

    it('listTargets / createTarget / getTarget / updateTarget / deleteTarget → Target models; errors as Appwrite\'s', async () => {
      const email = uniqueEmail('targets').toLowerCase()
      const u = await users.create({ userId: ID.unique(), email })
      const initial = await users.listTargets({ userId: u.$id })
      assert.equal(initial.total, 1)
      const emailTarget = initial.targets[0]!
      assert.deepEqual(Object.keys(emailTarget), TARGET_KEYS)
      assert.deepEqual([emailTarget.providerType, emailTarget.identifier, emailTarget.userId], ['email', email, u.$id])

      const push = await users.createTarget({ userId: u.$id, targetId: 'device-1', providerType: MessagingProviderType.Push, identifier: 'fcm-token-1', name: 'Pixel' })
      assert.deepEqual(Object.keys(push), TARGET_KEYS)
      assert.deepEqual([push.$id, push.providerType, push.identifier, push.name, push.expired], ['device-1', 'push', 'fcm-token-1', 'Pixel', false])
      const generated = await users.createTarget({ userId: u.$id, targetId: ID.unique(), providerType: MessagingProviderType.Sms, identifier: '+14155550199' })
      assert.notEqual(generated.$id, 'unique()')
      await expectError(users.createTarget({ userId: u.$id, targetId: 'device-1', providerType: MessagingProviderType.Push, identifier: 'x' }), 409, 'user_target_already_exists')
      await expectError(users.createTarget({ userId: u.$id, targetId: ID.unique(), providerType: MessagingProviderType.Email, identifier: 'not-an-email' }), 400, 'general_argument_invalid')
      await expectError(users.createTarget({ userId: 'nobody', targetId: ID.unique(), providerType: MessagingProviderType.Push, identifier: 'x' }), 404, 'user_not_found')

      assert.deepEqual(plain(await users.getTarget({ userId: u.$id, targetId: 'device-1' })), plain(push))
      const renamed = await users.updateTarget({ userId: u.$id, targetId: 'device-1', identifier: 'fcm-token-2', name: 'Pixel 9' })
      assert.deepEqual([renamed.identifier, renamed.name], ['fcm-token-2', 'Pixel 9'])

      const all = await users.listTargets({ userId: u.$id })
      assert.deepEqual([all.total, all.targets.map((t) => t.$id)], [3, [emailTarget.$id, 'device-1', generated.$id]])
      const page = await users.listTargets({ userId: u.$id, queries: [Query.limit(1), Query.offset(1)] })
      assert.deepEqual([page.total, page.targets.map((t) => t.$id)], [3, ['device-1']])
      await expectError(users.listTargets({ userId: u.$id, queries: [Query.equal('providerType', 'push')] }), 400, 'general_query_invalid')

      // The account's own email target goes only with the email (Targets' rule).
      await expectError(users.deleteTarget({ userId: u.$id, targetId: emailTarget.$id }), 400, 'general_argument_invalid')
      await users.deleteTarget({ userId: u.$id, targetId: 'device-1' })
      await expectError(users.getTarget({ userId: u.$id, targetId: 'device-1' }), 404, 'user_target_not_found')
      await expectError(users.deleteTarget({ userId: u.$id, targetId: 'device-1' }), 404, 'user_target_not_found')
      assert.equal((await users.listTargets({ userId: u.$id })).total, 2)
    })

    it('listLogs → LogList of the user\'s security log, newest first, paged; Users actions are logged in admin mode', async () => {
      const email = uniqueEmail('logs')
      const u = await users.create({ userId: ID.unique(), email, password: PASSWORD, name: 'Logged' })
      await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: PASSWORD })
      await users.updateStatus({ userId: u.$id, status: false })
      await users.updatePassword({ userId: u.$id, password: 'another horse battery' })
      const logs = await users.listLogs({ userId: u.$id })
      assert.equal(logs.total, logs.logs.length)
      for (const l of logs.logs) assert.deepEqual(Object.keys(l), LOG_KEYS)
      const events = logs.logs.map((l) => l.event)
      // updatePassword ends the sessions (invalidateSessionsOnPasswordChange), logged too.
      assert.deepEqual(events.slice(0, 3), ['user.update.password', 'sessions.delete', 'user.block'])
      assert.ok(events.includes('user.create') && events.includes('session.create.email'), events.join())
      assert.equal(logs.logs[0]!.mode, 'admin')
      const page = await users.listLogs({ userId: u.$id, queries: [Query.limit(1), Query.offset(2)] })
      assert.deepEqual([page.total, page.logs.map((l) => l.event)], [logs.total, ['user.block']])
      assert.equal((await users.listLogs({ userId: u.$id, total: false })).total, 0)
      await expectError(users.listLogs({ userId: u.$id, queries: [Query.equal('event', 'x')] }), 400, 'general_query_invalid')
      await expectError(users.listLogs({ userId: 'nobody' }), 404, 'user_not_found')
    })

    it('every impersonated request is in the impersonated account\'s log (start once, then each request), by the impersonator', async () => {
      const c = nodeClients(srv.endpoint)
      const staffEmail = uniqueEmail('support')
      const staff = await users.create({ userId: ID.unique(), email: staffEmail, password: PASSWORD, name: 'Support' })
      await users.updateImpersonator({ userId: staff.$id, impersonator: true })
      const victim = await users.create({ userId: ID.unique(), email: uniqueEmail('watched') })
      const secret = (await c.key.createEmailPasswordSession({ email: staffEmail, password: PASSWORD })).secret
      const as = new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(secret).setImpersonateUserId(victim.$id))
      await as.get()
      await as.updateName({ name: 'Changed by support' })
      await as.getPrefs()
      const logs = (await users.listLogs({ userId: victim.$id })).logs
      const mine = logs.filter((l) => l.userId === staff.$id)
      assert.deepEqual(mine.map((l) => l.event).reverse(), [
        'impersonation.start', 'impersonation.request', 'impersonation.request', 'user.update.name', 'impersonation.request',
      ])
      for (const l of mine) assert.deepEqual([l.userEmail, l.userName, l.mode], [staffEmail.toLowerCase(), 'Support', 'default'])
      // A new session of the impersonator starts anew.
      const again = (await c.key.createEmailPasswordSession({ email: staffEmail, password: PASSWORD })).secret
      await new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(again).setImpersonateUserId(victim.$id)).get()
      const after = (await users.listLogs({ userId: victim.$id, queries: [Query.limit(2)] })).logs.map((l) => l.event)
      assert.deepEqual(after, ['impersonation.request', 'impersonation.start'])
      // The impersonator's own log does not get the victim's entries.
      const own = (await users.listLogs({ userId: staff.$id })).logs.map((l) => l.event)
      assert.ok(!own.some((e) => e.startsWith('impersonation.')), own.join())
    })

    it('deleteIdentity → 204 by the identity id alone; the pair is free again; unknown or deleted → 404 user_identity_not_found', async () => {
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('linked') })
      const other = await users.create({ userId: ID.unique(), email: uniqueEmail('linked2') })
      // Seeded in the store (an OAuth2 sign-in would store the same record).
      const identity = makeIdentity(u.$id)
      const kept = makeIdentity(u.$id, { provider: 'google' })
      for (const i of [identity, kept]) assert.deepEqual(await srv.accounts.store.insertIdentity(i), { ok: true })
      assert.deepEqual(plain(await users.deleteIdentity({ identityId: identity.id })), { message: '' })
      assert.equal(await srv.accounts.store.getIdentity(u.$id, identity.id), null)
      assert.deepEqual(await srv.accounts.store.listIdentities(u.$id), [kept])
      assert.equal(await srv.accounts.store.findIdentityOwner(identity.provider, identity.providerUid), null)
      assert.deepEqual(await srv.accounts.store.insertIdentity(makeIdentity(other.$id, { providerUid: identity.providerUid })), { ok: true })
      await expectError(users.deleteIdentity({ identityId: identity.id }), 404, 'user_identity_not_found')
      await expectError(users.deleteIdentity({ identityId: 'nothing-here' }), 404, 'user_identity_not_found')
      await expectError(users.deleteIdentity({ identityId: 'x'.repeat(37) }), 400, 'general_argument_invalid')
      // Deleting the account takes its identities: their ids are not found any more.
      await users.delete({ userId: u.$id })
      await expectError(users.deleteIdentity({ identityId: kept.id }), 404, 'user_identity_not_found')
    })

    it('password policy on create and updatePassword (dictionary, personal data), nothing stored; imported hashes are not checked', async () => {
      await expectError(users.create({ userId: 'weak-pw', email: uniqueEmail('weak'), password: 'password123' }), 400, 'general_argument_invalid', /commonly used password/)
      await expectError(users.get({ userId: 'weak-pw' }), 404, 'user_not_found')
      await expectError(users.create({ userId: ID.unique(), email: uniqueEmail('ada'), password: 'lovelace-rules-1843', name: 'Ada Lovelace' }), 400, 'password_personal_data')
      const u = await users.create({ userId: ID.unique(), email: uniqueEmail('policy'), password: PASSWORD, name: 'Grace Hopper' })
      await expectError(users.updatePassword({ userId: u.$id, password: 'password123' }), 400, 'general_argument_invalid', /commonly used password/)
      await expectError(users.updatePassword({ userId: u.$id, password: 'hopper-and-cobol' }), 400, 'password_personal_data')
      await expectError(users.updatePassword({ userId: u.$id, password: `${u.$id}-x` }), 400, 'password_personal_data')
      assert.equal((await users.get({ userId: u.$id })).password, u.password, 'a refused password changes nothing')
      // Another system's hash of a common password: there is no plaintext to check; it still signs in.
      const email = uniqueEmail('imported')
      await users.createBcryptUser({ userId: ID.unique(), email, password: await bcrypt.hash('password123', 4) })
      const s = await nodeClients(srv.endpoint).key.createEmailPasswordSession({ email, password: 'password123' })
      assert.ok(s.secret)
    })
  })
}
