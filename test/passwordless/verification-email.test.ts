/**
 * Email verification (issue 3, wire §2.4 POST/PUT /account/verifications/email, aliases
 * POST/PUT /account/verification) through node-appwrite and real SMTP. Lifetime per
 * DESIGN.md: 7 days.
 */
import assert from 'node:assert/strict'
import type { Models } from 'node-appwrite'
import {
  APP_ORIGIN, PASSWORD, assertError, assertTokenShape, expectError, fmt, mailedLink, nodeClients, passwordUser, plain,
  startHarness, uniqueEmail, type Harness,
} from './support.js'

const DAYS_7 = 7 * 24 * 3600 * 1000
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

describe('passwordless: email verification through node-appwrite (MemoryStore)', function () {
  describe('create → mailed link → confirm', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    let user: { id: string; email: string; session: string }
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
      user = await passwordUser(h, uniqueEmail('ver'), PASSWORD)
      issuedAt = h.clock.now()
      seen.token = await sdk.withSession(user.session).createEmailVerification({ url: `${APP_ORIGIN}/verify?x=1` })
      seen.link = await mailedLink(h, user.email)
      seen.before = await sdk.withSession(user.session).get()
      seen.done = await sdk.withSession(user.session).updateEmailVerification(fromLink(seen.link as URL))
      seen.after = await sdk.withSession(user.session).get()
    })
    after(() => h?.close())

    it('answers 201 Token for the account, secret "" for a non-key caller, 7-day expiry', () => {
      const t = plain(seen.token) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], [user.id, '', ''])
      assert.equal(t.expire, fmt(issuedAt + DAYS_7))
    })
    it('the link is url + userId, secret, expire (url query kept)', () => {
      const link = seen.link as URL
      assert.equal(link.origin + link.pathname, `${APP_ORIGIN}/verify`)
      assert.equal(link.searchParams.get('x'), '1')
      assert.equal(link.searchParams.get('userId'), user.id)
      assert.match(link.searchParams.get('secret') ?? '', /^[0-9a-f]{64,}$/)
      assert.equal(link.searchParams.get('expire'), (seen.token as Models.Token).expire)
    })
    it('the email is unverified until the link is used', () => {
      assert.equal((seen.before as Models.User<Models.Preferences>).emailVerification, false)
    })
    it('updateEmailVerification (the account\'s session) → 200 Token, emailVerification true', () => {
      const t = plain(seen.done) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret], [user.id, ''])
      assert.equal((seen.after as Models.User<Models.Preferences>).emailVerification, true)
    })
    it('asking again → 409 user_email_already_verified', async () => {
      await expectError(sdk.withSession(user.session).createEmailVerification({ url: `${APP_ORIGIN}/verify` }), 409, 'user_email_already_verified')
    })
    it('the same link again → 401 user_invalid_token', async () => {
      await expectError(sdk.withSession(user.session).updateEmailVerification(fromLink(seen.link as URL)), 401, 'user_invalid_token')
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

    it('POST /account/verification and PUT /account/verification are aliases', async () => {
      const user = await passwordUser(h, uniqueEmail('alias'), PASSWORD)
      const r = await h.call('POST', '/account/verification', { session: user.session, body: { url: `${APP_ORIGIN}/v` } })
      assert.equal(r.status, 201)
      assertTokenShape(r.body)
      const done = await h.call('PUT', '/account/verification', { session: user.session, body: fromLink(await mailedLink(h, user.email)) })
      assert.equal(done.status, 200)
      assertTokenShape(done.body)
      assert.equal((await sdk.withSession(user.session).get()).emailVerification, true)
    })
    it('the deprecated SDK names createVerification / updateVerification work', async () => {
      const user = await passwordUser(h, uniqueEmail('dep'), PASSWORD)
      await sdk.withSession(user.session).createVerification({ url: `${APP_ORIGIN}/v` })
      await sdk.withSession(user.session).updateVerification(fromLink(await mailedLink(h, user.email)))
      assert.equal((await sdk.withSession(user.session).get()).emailVerification, true)
    })
    it('a key caller sees the raw secret the link carries', async () => {
      const user = await passwordUser(h, uniqueEmail('key'), PASSWORD)
      const t = await sdk.keyWithSession(user.session).createEmailVerification({ url: `${APP_ORIGIN}/v` })
      assert.equal(t.secret, (await mailedLink(h, user.email)).searchParams.get('secret'))
    })
    it('without a session → 401 general_unauthorized_scope', async () => {
      await expectError(sdk.guest.createEmailVerification({ url: `${APP_ORIGIN}/v` }), 401, 'general_unauthorized_scope')
    })
    it('an account without an email (anonymous) → 400 user_email_not_found', async () => {
      const anon = await sdk.key.createAnonymousSession()
      await expectError(sdk.withSession(anon.secret).createEmailVerification({ url: `${APP_ORIGIN}/v` }), 400, 'user_email_not_found')
    })
    it('bad redirect urls → 400 general_argument_invalid', async () => {
      const user = await passwordUser(h, uniqueEmail('url'), PASSWORD)
      for (const url of ['localhost/x', 'http://remotehost/x', 'javascript:alert(1)']) {
        await expectError(sdk.withSession(user.session).createEmailVerification({ url }), 400, 'general_argument_invalid')
      }
    })
    it('an unknown userId or a wrong secret → 401 user_invalid_token', async () => {
      assertError(await h.call('PUT', '/account/verifications/email', { key: true, body: { userId: 'nosuchuser', secret: 'a'.repeat(64) } }), 401, 'user_invalid_token')
      const user = await passwordUser(h, uniqueEmail('wrong'), PASSWORD)
      await sdk.withSession(user.session).createEmailVerification({ url: `${APP_ORIGIN}/v` })
      await h.smtp.next(user.email)
      await expectError(sdk.withSession(user.session).updateEmailVerification({ userId: user.id, secret: 'b'.repeat(64) }), 401, 'user_invalid_token')
    })
    it('a link sent before an email change does not verify the new address', async () => {
      const user = await passwordUser(h, uniqueEmail('change'), PASSWORD)
      await sdk.withSession(user.session).createEmailVerification({ url: `${APP_ORIGIN}/v` })
      const link = await mailedLink(h, user.email)
      await sdk.withSession(user.session).updateEmail({ email: uniqueEmail('changed'), password: PASSWORD })
      await expectError(sdk.withSession(user.session).updateEmailVerification(fromLink(link)), 401, 'user_invalid_token')
      assert.equal((await sdk.withSession(user.session).get()).emailVerification, false)
    })
  })
})
