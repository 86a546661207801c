/**
 * node-appwrite 27.1.0 as a real client: the profile routes — PATCH /account/name,
 * /account/prefs (+ GET), /account/password and /account/email — success and error paths.
 */
import assert from 'node:assert/strict'
import { ID, type Account, type Models } from 'node-appwrite'
import {
  DAY, CLUSTER, MEMORY, PASSWORD, REDIS, assertAccountShape, assertEmailTarget, expectError, failure, fmt, nodeClients, plain,
  startServer, uniqueEmail, type SdkError, type StoreCase, type TestServer,
} from './helpers.js'

for (const sc of [MEMORY, REDIS, CLUSTER] as StoreCase[]) {
  describe(`node-appwrite: profile (${sc.name})`, function () {
    before(function () {
      sc.available(this)
    })

    describe('profile updates (name, prefs, password, email)', function () {
      let srv: TestServer
      let email: string
      let newEmail: string
      let me: Account
      let created: Models.User<Models.Preferences>
      const newPassword = 'another long password'
      const steps: Record<string, unknown> = {}
      before(async function () {
        srv = await startServer(sc)
        const c = nodeClients(srv.endpoint)
        email = uniqueEmail('profile')
        newEmail = uniqueEmail('moved')
        created = await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
        me = c.withSession((await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret)
        steps.nameAt = srv.clock.advance(DAY)
        steps.name = await me.updateName({ name: 'Grace Hopper' })
        steps.prefs = await me.updatePrefs({ prefs: { theme: 'dark', n: 1, nested: { list: [1, 'two', null] } } })
        steps.prefsRead = await me.getPrefs()
        steps.replaced = await me.updatePrefs({ prefs: { lang: 'en' } })
        steps.replacedRead = await me.getPrefs()
        steps.tooBig = await failure(me.updatePrefs({ prefs: { blob: 'x'.repeat(65_536) } }))
        steps.afterTooBig = await me.getPrefs()
        steps.list = await failure(me.updatePrefs(['a', 'b'] as unknown as Record<string, unknown>))
        steps.passwordAt = srv.clock.advance(DAY)
        steps.password = await me.updatePassword({ password: newPassword, oldPassword: PASSWORD })
        steps.email = await me.updateEmail({ email: newEmail, password: newPassword })
        steps.emptied = await me.updatePrefs({ prefs: {} })
        steps.emptiedRead = await me.getPrefs()
      })
      after(() => srv?.close())
      const step = <T>(k: string) => steps[k] as T

      it('updateName → Account with the new name and a new $updatedAt', () => {
        const a = step<Models.User<Models.Preferences>>('name')
        assertAccountShape(a)
        assert.deepEqual([a.name, a.$createdAt, a.$updatedAt], ['Grace Hopper', created.$createdAt, fmt(step<number>('nameAt'))])
      })
      it('updateName rejects "" and 129 chars with 400 general_argument_invalid', async () => {
        await expectError(me.updateName({ name: '' }), 400, 'general_argument_invalid')
        await expectError(me.updateName({ name: 'n'.repeat(129) }), 400, 'general_argument_invalid')
      })
      it('updatePrefs → Account carrying the prefs; getPrefs returns them raw', () => {
        const want = { theme: 'dark', n: 1, nested: { list: [1, 'two', null] } }
        assert.deepEqual(plain(step<Models.User<Models.Preferences>>('prefs').prefs), want)
        assert.deepEqual(plain(step('prefsRead')), want)
      })
      it('updatePrefs replaces the whole object (no merge)', () => {
        assert.deepEqual(plain(step<Models.User<Models.Preferences>>('replaced').prefs), { lang: 'en' })
        assert.deepEqual(plain(step('replacedRead')), { lang: 'en' })
      })
      it('prefs over 64 KB → 400 general_argument_invalid, old prefs intact', async () => {
        await expectError(step<SdkError>('tooBig'), 400, 'general_argument_invalid')
        assert.deepEqual(plain(step('afterTooBig')), { lang: 'en' })
      })
      it('a list or a string as prefs → 400 general_argument_invalid', async () => {
        await expectError(step<SdkError>('list'), 400, 'general_argument_invalid')
        await expectError(me.updatePrefs('dark' as unknown as Record<string, unknown>), 400, 'general_argument_invalid')
      })
      it('empty prefs read back as {} (never [])', () => {
        assert.deepEqual(plain(step<Models.User<Models.Preferences>>('emptied').prefs), {})
        assert.deepEqual(plain(step('emptiedRead')), {})
      })
      it('updatePassword → Account with passwordUpdate moved', () => {
        const a = step<Models.User<Models.Preferences>>('password')
        assertAccountShape(a)
        assert.equal(a.passwordUpdate, fmt(step<number>('passwordAt')))
      })
      it('the new password signs in, the old one does not', async () => {
        const key = nodeClients(srv.endpoint).key
        assert.equal((await key.createEmailPasswordSession({ email: newEmail, password: newPassword })).userId, created.$id)
        await expectError(key.createEmailPasswordSession({ email: newEmail, password: PASSWORD }), 401, 'user_invalid_credentials')
      })
      it('updatePassword with a wrong or missing oldPassword → 401 user_invalid_credentials', async () => {
        await expectError(me.updatePassword({ password: 'yet another password', oldPassword: 'not the password' }), 401, 'user_invalid_credentials')
        await expectError(me.updatePassword({ password: 'yet another password' }), 401, 'user_invalid_credentials')
      })
      it('updatePassword with a 7-byte password → 400 general_argument_invalid', () =>
        expectError(me.updatePassword({ password: 'seven77', oldPassword: newPassword }), 400, 'general_argument_invalid'))
      it('updateEmail → lowercased email, unverified, same id, target follows', () => {
        const a = step<Models.User<Models.Preferences>>('email')
        assertAccountShape(a)
        assert.deepEqual([a.$id, a.email, a.emailVerification], [created.$id, newEmail.toLowerCase(), false])
        assertEmailTarget(a)
      })
      it('the old email no longer signs in; the new one does', async () => {
        const key = nodeClients(srv.endpoint).key
        await expectError(key.createEmailPasswordSession({ email, password: newPassword }), 401, 'user_invalid_credentials')
        assert.equal((await key.createEmailPasswordSession({ email: newEmail, password: newPassword })).userId, created.$id)
      })
      it('updateEmail with a wrong password → 401 user_invalid_credentials', () =>
        expectError(me.updateEmail({ email: uniqueEmail(), password: 'not the password' }), 401, 'user_invalid_credentials'))
      it("updateEmail to another account's email → 409 user_target_already_exists", async () => {
        const taken = uniqueEmail('taken')
        await nodeClients(srv.endpoint).guest.create({ userId: ID.unique(), email: taken, password: PASSWORD })
        await expectError(me.updateEmail({ email: taken, password: newPassword }), 409, 'user_target_already_exists')
      })
      it('updateEmail with an invalid address → 400 general_argument_invalid', () =>
        expectError(me.updateEmail({ email: 'nope', password: newPassword }), 400, 'general_argument_invalid'))
    })
  })
}
