/**
 * Email OTP (issue 3, wire §2.4 POST /account/tokens/email + POST /account/sessions/token)
 * end to end: node-appwrite → server → real SMTP → code out of the received mail → session.
 */
import assert from 'node:assert/strict'
import { ID, type Models } from 'node-appwrite'
import {
  APP_ORIGIN, FROM, MIN, assertError, mailedLink, assertSessionShape, assertTokenShape, expectError, fmt, freshId, mailedCode, me, nodeClients,
  plain, startHarness, uniqueEmail, type Harness,
} from './support.js'

describe('passwordless: email OTP through node-appwrite (MemoryStore)', function () {
  describe('an unknown email: token → mail → session → account', function () {
    let h: Harness
    let email: string
    let userId: string
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness(undefined, { projectName: 'Acme Demo' })
      const sdk = nodeClients(h.endpoint)
      email = uniqueEmail('otp')
      userId = freshId()
      issuedAt = h.clock.now()
      seen.token = await sdk.guest.createEmailToken({ userId, email })
      seen.mail = await h.smtp.next(email)
      seen.session = await sdk.key.createSession({ userId, secret: codeOf(seen.mail) })
      seen.account = await sdk.withSession((seen.session as Models.Session).secret).get()
    })
    after(() => h?.close())
    const codeOf = (m: unknown) => /(?<!\d)\d{6}(?!\d)/.exec((m as { text: string }).text)?.[0] ?? ''

    it('answers 201 Token: userId = the given id, secret "" for a non-key caller, phrase ""', () => {
      const t = plain(seen.token) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], [userId, '', ''])
    })
    it('the token expires 15 minutes after it was issued', () => {
      assert.equal((seen.token as Models.Token).expire, fmt(issuedAt + 15 * MIN))
    })
    it('the mail went to the lowercased address from the configured sender and carries a 6-digit code', () => {
      const m = seen.mail as { to: string; from: string; text: string; html: string; subject: string }
      assert.equal(m.to, email.toLowerCase())
      assert.equal(m.from, FROM)
      assert.match(codeOf(m), /^\d{6}$/)
      assert.ok(m.html.includes(codeOf(m)), 'code in the HTML part too')
      assert.match(m.text, /15 minutes/)
    })
    it('the mail names the project (options.projectName) in subject and body', () => {
      const m = seen.mail as { text: string; html: string; subject: string }
      for (const part of [m.subject, m.text, m.html]) assert.ok(part.includes('Acme Demo'), part.slice(0, 80))
    })
    it('createSession with the code → Session provider "token", factors ["email"], providerUid = email', () => {
      const s = plain(seen.session) as Models.Session
      assertSessionShape(s)
      assert.deepEqual([s.userId, s.provider, s.providerUid, s.factors, s.current], [userId, 'token', email.toLowerCase(), ['email'], true])
      assert.ok(s.secret, 'a key caller sees the session value')
    })
    it('created a password-less account with the given id and a verified email', () => {
      const a = seen.account as Models.User<Models.Preferences>
      assert.deepEqual([a.$id, a.email, a.emailVerification, a.passwordUpdate], [userId, email.toLowerCase(), true, ''])
    })
  })

  describe('a known email, guests, key callers and phrases', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
    })
    after(() => h?.close())

    it('a known email keeps its account id (the given userId is ignored)', async () => {
      const email = uniqueEmail('known')
      const first = await sdk.guest.createEmailToken({ userId: ID.unique(), email })
      await h.smtp.next(email)
      const again = await sdk.guest.createEmailToken({ userId: freshId('other'), email })
      assert.equal(again.userId, first.userId)
      assert.notEqual(again.$id, first.$id)
      await h.smtp.next(email)
    })
    it('ID.unique() gets a generated id', async () => {
      const t = await sdk.guest.createEmailToken({ userId: ID.unique(), email: uniqueEmail('gen') })
      assert.match(t.userId, /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/)
      assert.notEqual(t.userId, 'unique()')
    })
    it('a plain non-key client redeems the code: 201 Session with secret ""', async () => {
      const email = uniqueEmail('guest')
      const t = await sdk.guest.createEmailToken({ userId: ID.unique(), email })
      const s = await sdk.guest.createSession({ userId: t.userId, secret: await mailedCode(h, email) })
      assert.deepEqual([s.userId, s.provider, s.secret, s.factors], [t.userId, 'token', '', ['email']])
    })
    it('a key caller sees the raw code as secret, the same code the mail carries', async () => {
      const email = uniqueEmail('key')
      const t = await sdk.key.createEmailToken({ userId: ID.unique(), email })
      assert.match(t.secret, /^\d{6}$/)
      assert.equal(await mailedCode(h, email), t.secret)
    })
    it('phrase: true → a two-word phrase in the answer and in the mail', async () => {
      const email = uniqueEmail('phrase')
      const t = await sdk.guest.createEmailToken({ userId: ID.unique(), email, phrase: true })
      assert.match(t.phrase, /^[A-Z][a-z]+ [A-Z][a-z]+$/)
      const mail = await h.smtp.next(email)
      assert.ok(mail.text.includes(t.phrase), 'phrase in the text part')
      assert.ok(mail.html.includes(t.phrase), 'phrase in the HTML part')
    })
    it('phrase: false → phrase "" and no phrase in the mail', async () => {
      const email = uniqueEmail('nophrase')
      const t = await sdk.guest.createEmailToken({ userId: ID.unique(), email, phrase: false })
      assert.equal(t.phrase, '')
      assert.doesNotMatch((await h.smtp.next(email)).text, /phrase/i)
    })
    it('the raw route answers 201 with the JSON content type the SDKs need', async () => {
      const r = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: uniqueEmail('raw') } })
      assert.equal(r.status, 201)
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/)
      assertTokenShape(r.body)
    })
    it('an invalid email, userId or phrase → 400 general_argument_invalid', async () => {
      await expectError(sdk.guest.createEmailToken({ userId: ID.unique(), email: 'not-an-email' }), 400, 'general_argument_invalid')
      await expectError(sdk.guest.createEmailToken({ userId: '_bad', email: uniqueEmail() }), 400, 'general_argument_invalid')
      const r = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: uniqueEmail(), phrase: 'yes' } })
      assertError(r, 400, 'general_argument_invalid')
    })
    it('a password account that never verified its email: the first code sign-in verifies it, clears that unproven password and ends other sessions (pre-hijack defence)', async () => {
      const email = uniqueEmail('pw')
      const created = await sdk.guest.create({ userId: ID.unique(), email, password: 'correct horse battery' })
      assert.equal(created.emailVerification, false)
      const earlier = await sdk.key.createEmailPasswordSession({ email, password: 'correct horse battery' })
      const t = await sdk.guest.createEmailToken({ userId: ID.unique(), email })
      assert.equal(t.userId, created.$id)
      const s = await sdk.key.createSession({ userId: created.$id, secret: await mailedCode(h, email) })
      const a = await me(h, s.secret)
      assert.deepEqual([a.emailVerification, a.passwordUpdate], [true, ''])
      await expectError(sdk.guest.createEmailPasswordSession({ email, password: 'correct horse battery' }), 401, 'user_invalid_credentials')
      assert.equal((await h.call('GET', '/account', { session: earlier.secret })).status, 401, 'the session made with the unproven password has ended')
    })

    it('a password account whose email is verified keeps its password when signing in by code', async () => {
      const email = uniqueEmail('pwv')
      const created = await sdk.guest.create({ userId: ID.unique(), email, password: 'correct horse battery' })
      // Verify the email through the verification flow first.
      const first = await sdk.key.createEmailPasswordSession({ email, password: 'correct horse battery' })
      assert.equal((await h.call('POST', '/account/verifications/email', { session: first.secret, body: { url: `${APP_ORIGIN}/verify` } })).status, 201)
      const link = await mailedLink(h, email)
      const verified = await h.call('PUT', '/account/verifications/email', { session: first.secret, body: { userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret') } })
      assert.equal(verified.status, 200)
      await sdk.guest.createEmailToken({ userId: ID.unique(), email })
      const s = await sdk.key.createSession({ userId: created.$id, secret: await mailedCode(h, email) })
      assert.equal((await me(h, s.secret)).passwordUpdate, created.passwordUpdate)
      await sdk.guest.createEmailPasswordSession({ email, password: 'correct horse battery' })
    })
  })
})
