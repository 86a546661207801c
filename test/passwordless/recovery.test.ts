/**
 * Password recovery (issue 3, wire §2.4 POST/PUT /account/recovery) through node-appwrite and
 * real SMTP. Deliberate difference: an unknown email gets the same 201 as a known one and no
 * mail (Appwrite answers 404), and non-key callers see userId "" (the link carries it).
 */
import assert from 'node:assert/strict'
import type { Models } from 'node-appwrite'
import {
  APP_ORIGIN, HOUR, PASSWORD, assertError, assertTokenShape, expectError, fmt, mailedLink, mailsWithin, nodeClients,
  passwordUser, plain, startHarness, uniqueEmail, type Harness,
} from './support.js'

const NEW_PASSWORD = 'a brand new passphrase'
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

describe('passwordless: password recovery through node-appwrite (MemoryStore)', function () {
  describe('request → mailed link → new password', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    let user: { id: string; email: string; session: string }
    let otherSession: string
    let unknown: string
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
      user = await passwordUser(h, uniqueEmail('rec'), PASSWORD)
      otherSession = (await sdk.key.createEmailPasswordSession({ email: user.email, password: PASSWORD })).secret
      unknown = uniqueEmail('nobody')
      issuedAt = h.clock.now()
      seen.unknown = await sdk.guest.createRecovery({ email: unknown, url: `${APP_ORIGIN}/reset` })
      seen.known = await sdk.guest.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset?lang=en` })
      seen.link = await mailedLink(h, user.email)
      seen.unknownMails = await mailsWithin(h, unknown, 300)
      seen.done = await sdk.guest.updateRecovery({ ...fromLink(seen.link as URL), password: NEW_PASSWORD })
    })
    after(() => h?.close())

    it('a known email → 201 Token with userId "" and secret "" for a non-key caller', () => {
      const t = plain(seen.known) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], ['', '', ''])
      assert.equal(t.expire, fmt(issuedAt + HOUR))
    })
    it('an unknown email → the same 201 answer shape and values', () => {
      const a = plain(seen.unknown) as Record<string, unknown>
      const b = plain(seen.known) as Record<string, unknown>
      assertTokenShape(a)
      assert.deepEqual([a.userId, a.secret, a.phrase, a.expire], [b.userId, b.secret, b.phrase, b.expire])
    })
    it('the unknown email got no mail (300 ms after the known one arrived)', () => {
      assert.deepEqual(seen.unknownMails, [])
    })
    it('the link is url + userId, secret, expire (url query kept)', () => {
      const link = seen.link as URL
      assert.equal(link.origin + link.pathname, `${APP_ORIGIN}/reset`)
      assert.equal(link.searchParams.get('lang'), 'en')
      assert.equal(link.searchParams.get('userId'), user.id)
      assert.match(link.searchParams.get('secret') ?? '', /^[0-9a-f]{64,}$/)
      assert.equal(link.searchParams.get('expire'), (seen.known as Models.Token).expire)
    })
    it('updateRecovery → 200 Token for the account, secret "" for a non-key caller', () => {
      const t = plain(seen.done) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret], [user.id, ''])
    })
    it('the new password signs in, the old one does not', async () => {
      await expectError(sdk.guest.createEmailPasswordSession({ email: user.email, password: PASSWORD }), 401, 'user_invalid_credentials')
      const s = await sdk.key.createEmailPasswordSession({ email: user.email, password: NEW_PASSWORD })
      const a = await sdk.withSession(s.secret).get()
      assert.equal(a.$id, user.id)
    })
    it('every earlier session of the account is gone', async () => {
      for (const session of [user.session, otherSession]) {
        await expectError(sdk.withSession(session).get(), 401, 'general_unauthorized_scope')
      }
    })
    it('the email is now verified', async () => {
      const s = await sdk.key.createEmailPasswordSession({ email: user.email, password: NEW_PASSWORD })
      assert.equal((await sdk.withSession(s.secret).get()).emailVerification, true)
    })
    it('the same link again → 401 user_invalid_token', async () => {
      await expectError(sdk.guest.updateRecovery({ ...fromLink(seen.link as URL), password: 'yet another passphrase' }), 401, 'user_invalid_token')
    })
  })

  describe('edge cases', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
    })
    after(() => h?.close())

    it('a signed-in caller recovering its own account keeps its current session, loses the others', async () => {
      const user = await passwordUser(h, uniqueEmail('keep'), PASSWORD)
      const other = (await sdk.key.createEmailPasswordSession({ email: user.email, password: PASSWORD })).secret
      await sdk.withSession(user.session).createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      const link = await mailedLink(h, user.email)
      await sdk.withSession(user.session).updateRecovery({ ...fromLink(link), password: NEW_PASSWORD })
      assert.equal((await sdk.withSession(user.session).get()).$id, user.id)
      await expectError(sdk.withSession(other).get(), 401, 'general_unauthorized_scope')
      const list = await sdk.withSession(user.session).listSessions()
      assert.equal(list.total, 1)
    })
    it('someone else\'s session does not protect the recovered account\'s sessions', async () => {
      const victim = await passwordUser(h, uniqueEmail('v'), PASSWORD)
      const bystander = await passwordUser(h, uniqueEmail('b'), PASSWORD)
      await sdk.guest.createRecovery({ email: victim.email, url: `${APP_ORIGIN}/reset` })
      await sdk.withSession(bystander.session).updateRecovery({ ...fromLink(await mailedLink(h, victim.email)), password: NEW_PASSWORD })
      await expectError(sdk.withSession(victim.session).get(), 401, 'general_unauthorized_scope')
      assert.equal((await sdk.withSession(bystander.session).get()).$id, bystander.id)
    })
    it('a short password → 400 and the link still works afterwards', async () => {
      const user = await passwordUser(h, uniqueEmail('short'), PASSWORD)
      await sdk.guest.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      const link = await mailedLink(h, user.email)
      await expectError(sdk.guest.updateRecovery({ ...fromLink(link), password: 'short' }), 400, 'general_argument_invalid')
      const t = await sdk.guest.updateRecovery({ ...fromLink(link), password: NEW_PASSWORD })
      assert.equal(t.userId, user.id)
    })
    it('a key caller sees userId and the raw secret the link carries', async () => {
      const user = await passwordUser(h, uniqueEmail('key'), PASSWORD)
      const t = await sdk.key.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      const link = await mailedLink(h, user.email)
      assert.deepEqual([t.userId, t.secret], [user.id, link.searchParams.get('secret')])
    })
    it('an unknown userId on PUT → 401 user_invalid_token', async () => {
      const r = await h.call('PUT', '/account/recovery', { body: { userId: 'nosuchuser', secret: 'a'.repeat(64), password: NEW_PASSWORD } })
      assertError(r, 401, 'user_invalid_token')
    })
    it('a wrong secret → 401 user_invalid_token', async () => {
      const user = await passwordUser(h, uniqueEmail('wrong'), PASSWORD)
      await sdk.guest.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      await h.smtp.next(user.email)
      await expectError(sdk.guest.updateRecovery({ userId: user.id, secret: 'f'.repeat(64), password: NEW_PASSWORD }), 401, 'user_invalid_token')
    })
    it('bad redirect urls → 400 general_argument_invalid', async () => {
      const user = await passwordUser(h, uniqueEmail('url'), PASSWORD)
      for (const url of ['localhost/x', 'http://remotehost/x', 'javascript:alert(1)']) {
        await expectError(sdk.guest.createRecovery({ email: user.email, url }), 400, 'general_argument_invalid')
      }
      assertError(await h.call('POST', '/account/recovery', { body: { email: user.email } }), 400, 'general_argument_invalid')
    })
    it('the email is matched case-insensitively', async () => {
      const email = uniqueEmail('Mixed')
      const user = await passwordUser(h, email, PASSWORD)
      await sdk.guest.createRecovery({ email: email.toUpperCase(), url: `${APP_ORIGIN}/reset` })
      assert.equal((await mailedLink(h, user.email)).searchParams.get('userId'), user.id)
    })
    it('a password-less account (made by email OTP) can set its first password by recovery', async () => {
      const email = uniqueEmail('nopw')
      const t = await sdk.guest.createEmailToken({ userId: 'unique()', email })
      await h.smtp.next(email)
      await sdk.guest.createRecovery({ email, url: `${APP_ORIGIN}/reset` })
      await sdk.guest.updateRecovery({ ...fromLink(await mailedLink(h, email)), password: NEW_PASSWORD })
      const s = await sdk.key.createEmailPasswordSession({ email, password: NEW_PASSWORD })
      assert.equal(s.userId, t.userId)
    })
    it('a key caller\'s PUT answer carries no secret at all (deliberate: Appwrite shows the stored hash)', async () => {
      const user = await passwordUser(h, uniqueEmail('keyput'), PASSWORD)
      await sdk.guest.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      const p = fromLink(await mailedLink(h, user.email))
      const t = await sdk.key.updateRecovery({ ...p, password: NEW_PASSWORD })
      assert.equal(t.secret, '')
    })
    it('a blocked account gets the same 201 and no mail', async () => {
      const user = await passwordUser(h, uniqueEmail('blocked'), PASSWORD)
      await sdk.withSession(user.session).updateStatus()
      const t = await sdk.guest.createRecovery({ email: user.email, url: `${APP_ORIGIN}/reset` })
      assert.deepEqual([t.userId, t.secret], ['', ''])
      assert.deepEqual(await mailsWithin(h, user.email, 300), [])
    })
  })
})
