/**
 * No mailer → 503 general_smtp_disabled; no SMS sender → 503 general_phone_disabled (issue 3
 * item 1, wire §2.4), on every route that would send, and nothing is created on the way.
 */
import assert from 'node:assert/strict'
import { ID } from 'node-appwrite'
import {
  APP_ORIGIN, PASSWORD, assertError, expectError, freshId, freshPhone, mailedCode, nodeClients, passwordUser, startHarness,
  textedCode, uniqueEmail, type Harness,
} from './support.js'

describe('passwordless: delivery not configured (MemoryStore)', function () {
  describe('no mailer', function () {
    let h: Harness
    before(async () => {
      h = await startHarness(undefined, { noMailer: true })
    })
    after(() => h?.close())

    for (const path of ['/account/tokens/email', '/account/tokens/magic-url', '/account/sessions/magic-url']) {
      it(`POST ${path} → 503 general_smtp_disabled`, async () => {
        const r = await h.call('POST', path, { body: { userId: 'unique()', email: uniqueEmail(), url: `${APP_ORIGIN}/m` } })
        assertError(r, 503, 'general_smtp_disabled')
        assert.equal(r.body.message, 'SMTP disabled')
      })
    }
    it('POST /account/recovery → 503 general_smtp_disabled (known and unknown email)', async () => {
      const user = await passwordUser(h, uniqueEmail('rec'), PASSWORD)
      for (const email of [user.email, uniqueEmail('unknown')]) {
        assertError(await h.call('POST', '/account/recovery', { body: { email, url: `${APP_ORIGIN}/r` } }), 503, 'general_smtp_disabled')
      }
    })
    for (const path of ['/account/verifications/email', '/account/verification']) {
      it(`POST ${path} → 503 general_smtp_disabled`, async () => {
        const user = await passwordUser(h, uniqueEmail('ver'), PASSWORD)
        assertError(await h.call('POST', path, { session: user.session, body: { url: `${APP_ORIGIN}/v` } }), 503, 'general_smtp_disabled')
      })
    }
    it('node-appwrite sees the same 503 from createEmailToken / createMagicURLToken / createRecovery', async () => {
      const sdk = nodeClients(h.endpoint)
      await expectError(sdk.guest.createEmailToken({ userId: ID.unique(), email: uniqueEmail() }), 503, 'general_smtp_disabled')
      await expectError(sdk.guest.createMagicURLToken({ userId: ID.unique(), email: uniqueEmail(), url: `${APP_ORIGIN}/m` }), 503, 'general_smtp_disabled')
      await expectError(sdk.guest.createRecovery({ email: uniqueEmail(), url: `${APP_ORIGIN}/r` }), 503, 'general_smtp_disabled')
    })
    it('a refused email token creates no account', async () => {
      const userId = freshId()
      const email = uniqueEmail('none')
      assertError(await h.call('POST', '/account/tokens/email', { body: { userId, email } }), 503, 'general_smtp_disabled')
      const created = await h.call('POST', '/account', { body: { userId, email, password: PASSWORD } })
      assert.equal(created.status, 201, 'neither the id nor the email was taken')
    })
    it('SMS flows still work', async () => {
      const phone = freshPhone()
      const r = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone } })
      assert.equal(r.status, 201)
      assert.match(await textedCode(h, phone), /^\d{6}$/)
    })
  })

  describe('no SMS sender', function () {
    let h: Harness
    before(async () => {
      h = await startHarness(undefined, { noSms: true })
    })
    after(() => h?.close())

    for (const path of ['/account/tokens/phone', '/account/sessions/phone']) {
      it(`POST ${path} → 503 general_phone_disabled`, async () => {
        const r = await h.call('POST', path, { body: { userId: 'unique()', phone: freshPhone() } })
        assertError(r, 503, 'general_phone_disabled')
      })
    }
    for (const path of ['/account/verifications/phone', '/account/verification/phone']) {
      it(`POST ${path} → 503 general_phone_disabled`, async () => {
        const user = await passwordUser(h, uniqueEmail('pv'), PASSWORD)
        const set = await h.call('PATCH', '/account/phone', { session: user.session, body: { phone: freshPhone(), password: PASSWORD } })
        assert.equal(set.status, 200)
        assertError(await h.call('POST', path, { session: user.session }), 503, 'general_phone_disabled')
      })
    }
    it('node-appwrite sees the same 503 from createPhoneToken', async () => {
      await expectError(nodeClients(h.endpoint).guest.createPhoneToken({ userId: ID.unique(), phone: freshPhone() }), 503, 'general_phone_disabled')
    })
    it('a refused phone token creates no account', async () => {
      const userId = freshId()
      assertError(await h.call('POST', '/account/tokens/phone', { body: { userId, phone: freshPhone() } }), 503, 'general_phone_disabled')
      assert.equal((await h.call('POST', '/account', { body: { userId, email: uniqueEmail(), password: PASSWORD } })).status, 201)
    })
    it('email flows still work', async () => {
      const email = uniqueEmail('mail')
      assert.equal((await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email } })).status, 201)
      assert.match(await mailedCode(h, email), /^\d{6}$/)
    })
  })
})
