/**
 * Phone verification (issue 3, wire §2.4 POST/PUT /account/verifications/phone, aliases
 * POST/PUT /account/verification/phone): PATCH /account/phone, then a code by SMS webhook.
 * Lifetime per DESIGN.md: 15 minutes.
 */
import assert from 'node:assert/strict'
import {
  MIN, PASSWORD, assertError, assertTokenShape, expectError, fmt, freshPhone, nodeClients, passwordUser, plain,
  startHarness, textedCode, uniqueEmail, type Harness,
} from './support.js'

describe('passwordless: phone verification through node-appwrite and the SMS webhook (MemoryStore)', function () {
  describe('set a phone → create → SMS code → confirm', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    let user: { id: string; email: string; session: string }
    let phone: string
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
      user = await passwordUser(h, uniqueEmail('pv'), PASSWORD)
      phone = freshPhone()
      seen.updated = await sdk.withSession(user.session).updatePhone({ phone, password: PASSWORD })
      issuedAt = h.clock.now()
      seen.token = await sdk.withSession(user.session).createPhoneVerification()
      seen.sms = await h.sms.next(phone)
      seen.code = /(?<!\d)\d{6}(?!\d)/.exec((seen.sms as { body: string }).body)?.[0]
      seen.done = await sdk.withSession(user.session).updatePhoneVerification({ userId: user.id, secret: seen.code as string })
      seen.after = await sdk.withSession(user.session).get()
    })
    after(() => h?.close())

    it('PATCH /account/phone set the number, unverified', () => {
      const a = seen.updated as { phone: string; phoneVerification: boolean }
      assert.deepEqual([a.phone, a.phoneVerification], [phone, false])
    })
    it('answers 201 Token for the account, secret "" for a non-key caller, 15-minute expiry', () => {
      const t = plain(seen.token) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], [user.id, '', ''])
      assert.equal(t.expire, fmt(issuedAt + 15 * MIN))
    })
    it('the webhook got {to, body} with a 6-digit code', () => {
      const m = seen.sms as { json: Record<string, unknown> }
      assert.deepEqual(Object.keys(m.json).sort(), ['body', 'to'])
      assert.equal(m.json.to, phone)
      assert.match(seen.code as string, /^\d{6}$/)
    })
    it('updatePhoneVerification (the account\'s session) → 200 Token, phoneVerification true', () => {
      const t = plain(seen.done) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret], [user.id, ''])
      assert.equal((seen.after as { phoneVerification: boolean }).phoneVerification, true)
    })
    it('asking again → 409 user_phone_already_verified', async () => {
      await expectError(sdk.withSession(user.session).createPhoneVerification(), 409, 'user_phone_already_verified')
    })
    it('the same code again → 401 user_invalid_token', async () => {
      await expectError(sdk.withSession(user.session).updatePhoneVerification({ userId: user.id, secret: seen.code as string }), 401, 'user_invalid_token')
    })
  })

  describe('aliases and refusals', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
    })
    after(() => h?.close())

    const withPhone = async () => {
      const user = await passwordUser(h, uniqueEmail('p'), PASSWORD)
      const phone = freshPhone()
      await sdk.withSession(user.session).updatePhone({ phone, password: PASSWORD })
      return { ...user, phone }
    }

    it('POST and PUT /account/verification/phone are aliases', async () => {
      const user = await withPhone()
      const r = await h.call('POST', '/account/verification/phone', { session: user.session })
      assert.equal(r.status, 201)
      assertTokenShape(r.body)
      const done = await h.call('PUT', '/account/verification/phone', { session: user.session, body: { userId: user.id, secret: await textedCode(h, user.phone) } })
      assert.equal(done.status, 200)
      assert.equal((await sdk.withSession(user.session).get()).phoneVerification, true)
    })
    it('a key caller sees the raw 6-digit code the SMS carries (wire §2.6)', async () => {
      const user = await withPhone()
      const t = await sdk.keyWithSession(user.session).createPhoneVerification()
      assert.match(t.secret, /^\d{6}$/)
      assert.equal(await textedCode(h, user.phone), t.secret)
    })
    it('an account without a phone → 400 user_phone_not_found', async () => {
      const user = await passwordUser(h, uniqueEmail('nophone'), PASSWORD)
      await expectError(sdk.withSession(user.session).createPhoneVerification(), 400, 'user_phone_not_found')
    })
    it('without a session → 401 general_unauthorized_scope', async () => {
      await expectError(sdk.guest.createPhoneVerification(), 401, 'general_unauthorized_scope')
    })
    it('an unknown userId or a wrong code → 401 user_invalid_token', async () => {
      assertError(await h.call('PUT', '/account/verifications/phone', { key: true, body: { userId: 'nosuchuser', secret: '123456' } }), 401, 'user_invalid_token')
      const user = await withPhone()
      await sdk.withSession(user.session).createPhoneVerification()
      const code = await textedCode(h, user.phone)
      const wrong = code === '000000' ? '000001' : '000000'
      await expectError(sdk.withSession(user.session).updatePhoneVerification({ userId: user.id, secret: wrong }), 401, 'user_invalid_token')
    })
    it('a code sent before a phone change does not verify the new number', async () => {
      const user = await withPhone()
      await sdk.withSession(user.session).createPhoneVerification()
      const code = await textedCode(h, user.phone)
      await sdk.withSession(user.session).updatePhone({ phone: freshPhone(), password: PASSWORD })
      await expectError(sdk.withSession(user.session).updatePhoneVerification({ userId: user.id, secret: code }), 401, 'user_invalid_token')
      assert.equal((await sdk.withSession(user.session).get()).phoneVerification, false)
    })
    it('a phone sign-in verifies the number (no separate verification needed)', async () => {
      const phone = freshPhone()
      const t = await sdk.guest.createPhoneToken({ userId: 'unique()', phone })
      const s = await sdk.key.createSession({ userId: t.userId, secret: await textedCode(h, phone) })
      await expectError(sdk.withSession(s.secret).createPhoneVerification(), 409, 'user_phone_already_verified')
    })
  })
})
