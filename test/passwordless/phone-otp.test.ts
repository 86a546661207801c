/**
 * Phone OTP (issue 3, wire §2.4 POST /account/tokens/phone, PUT /account/sessions/phone):
 * node-appwrite → server → WebhookSmsSender → local HTTP receiver → code → session.
 */
import assert from 'node:assert/strict'
import { ID, type Models } from 'node-appwrite'
import {
  MIN, assertError, assertSessionShape, assertTokenShape, expectError, fmt, freshId, freshPhone, me, nodeClients, plain,
  startHarness, textedCode, type Harness,
} from './support.js'

const codeIn = (body: string) => /(?<!\d)\d{6}(?!\d)/.exec(body)?.[0] ?? ''

describe('passwordless: phone OTP through node-appwrite and the SMS webhook (MemoryStore)', function () {
  describe('an unknown number: token → SMS → session → account', function () {
    let h: Harness
    let phone: string
    let userId: string
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness(undefined, { projectName: 'Acme Demo' })
      const sdk = nodeClients(h.endpoint)
      phone = freshPhone()
      userId = freshId()
      issuedAt = h.clock.now()
      seen.token = await sdk.guest.createPhoneToken({ userId, phone })
      seen.sms = await h.sms.next(phone)
      seen.session = await sdk.key.updatePhoneSession({ userId, secret: codeIn((seen.sms as { body: string }).body) })
      seen.account = await me(h, (seen.session as Models.Session).secret)
    })
    after(() => h?.close())

    it('answers 201 Token: userId = the given id, secret "" for a non-key caller', () => {
      const t = plain(seen.token) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], [userId, '', ''])
    })
    it('the token expires in 15 minutes', () => {
      assert.equal((seen.token as Models.Token).expire, fmt(issuedAt + 15 * MIN))
    })
    it('the webhook got exactly {to, body} as JSON, the body holding a 6-digit code and the expiry', () => {
      const m = seen.sms as { json: Record<string, unknown>; body: string; headers: Record<string, string> }
      assert.deepEqual(Object.keys(m.json).sort(), ['body', 'to'])
      assert.equal(m.json.to, phone)
      assert.match(codeIn(m.body), /^\d{6}$/)
      assert.match(m.body, /15 minutes/)
      assert.ok(m.body.includes('Acme Demo'), 'the SMS names the project')
      assert.match(m.headers['content-type'] ?? '', /^application\/json/)
    })
    it('updatePhoneSession → Session provider "phone", factors ["phone"], providerUid = the number', () => {
      const s = plain(seen.session) as Models.Session
      assertSessionShape(s)
      assert.deepEqual([s.userId, s.provider, s.providerUid, s.factors], [userId, 'phone', phone, ['phone']])
    })
    it('created an account with the given id, the number verified, no email', () => {
      const a = seen.account as Record<string, unknown>
      assert.deepEqual([a.$id, a.phone, a.phoneVerification, a.email, a.emailVerification], [userId, phone, true, '', false])
    })
  })

  describe('aliases, redeeming with createSession, key callers', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
    })
    after(() => h?.close())

    it('POST /account/sessions/phone is an alias of POST /account/tokens/phone', async () => {
      const phone = freshPhone()
      const r = await h.call('POST', '/account/sessions/phone', { body: { userId: 'unique()', phone } })
      assert.equal(r.status, 201)
      assertTokenShape(r.body)
      const s = await h.call('PUT', '/account/sessions/phone', { body: { userId: r.body.userId, secret: await textedCode(h, phone) } })
      assert.equal(s.status, 201)
      assert.deepEqual([s.body.provider, s.body.factors], ['phone', ['phone']])
    })
    it('createSession (POST /account/sessions/token) redeems a phone code too', async () => {
      const phone = freshPhone()
      const t = await sdk.guest.createPhoneToken({ userId: ID.unique(), phone })
      const s = await sdk.guest.createSession({ userId: t.userId, secret: await textedCode(h, phone) })
      assert.deepEqual([s.provider, s.factors, s.secret], ['phone', ['phone'], ''])
    })
    it('a known number keeps its account id (the given userId is ignored)', async () => {
      const phone = freshPhone()
      const first = await sdk.guest.createPhoneToken({ userId: ID.unique(), phone })
      await h.sms.next(phone)
      const again = await sdk.guest.createPhoneToken({ userId: freshId('x'), phone })
      assert.equal(again.userId, first.userId)
      await h.sms.next(phone)
    })
    it('a UK mobile number works as well', async () => {
      const t = await sdk.guest.createPhoneToken({ userId: ID.unique(), phone: '+447911123456' })
      assert.match(await textedCode(h, '+447911123456'), /^\d{6}$/)
      assert.ok(t.userId)
    })
    it('a key caller gets the raw code as secret, like the email OTP (deliberate: Appwrite sends base64 {id, secret})', async () => {
      const phone = freshPhone()
      const t = await sdk.key.createPhoneToken({ userId: ID.unique(), phone })
      const code = await textedCode(h, phone)
      assert.equal(t.secret, code)
    })
  })

  describe('E.164 validation', function () {
    let h: Harness
    before(async () => {
      h = await startHarness()
    })
    after(() => h?.close())

    for (const phone of ['14155552671', '+1', '+999999999999', '+1 415 555 2671', '+0123456789', '']) {
      it(`${JSON.stringify(phone)} → 400 general_argument_invalid, no SMS`, async () => {
        const before = h.sms.messages.length
        await expectError(nodeClients(h.endpoint).guest.createPhoneToken({ userId: ID.unique(), phone }), 400, 'general_argument_invalid')
        assertError(await h.call('POST', '/account/sessions/phone', { body: { userId: 'unique()', phone } }), 400, 'general_argument_invalid')
        await new Promise((r) => setTimeout(r, 50))
        assert.equal(h.sms.messages.length, before)
      })
    }
    it('the 400 carries Appwrite\'s phone message', async () => {
      const r = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone: '14155552671' } })
      assert.match(String(r.body.message), /Phone number must start with a '\+' can have a maximum of fifteen digits\./)
    })
  })
})
