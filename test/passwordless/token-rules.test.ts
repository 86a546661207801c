/**
 * Token rules (issue 3 item 3 and "Done when"; DESIGN.md): single use, at most 5 wrong codes
 * per token, expiry by the (fake) clock, a new request voids the previous token of its kind,
 * unknown accounts answer 401 user_invalid_token (never 404).
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, HOUR, MIN, PASSWORD, assertError, freshId, freshPhone, mailedCode, mailedLink, passwordUser, startHarness,
  textedCode, uniqueEmail, type Harness, type Reply,
} from './support.js'

const wrongFor = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0')
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

describe('passwordless: token rules (MemoryStore)', function () {
  let h: Harness
  before(async () => {
    h = await startHarness()
  })
  after(() => h?.close())

  const redeem = (userId: string, secret: string, path = '/account/sessions/token'): Promise<Reply> =>
    h.call(path === '/account/sessions/token' ? 'POST' : 'PUT', path, { body: { userId, secret } })

  /** Requests an email code for a new address; `{userId, code}`. */
  async function emailCode(email = uniqueEmail('rule')): Promise<{ userId: string; code: string; email: string }> {
    const r = await h.call('POST', '/account/tokens/email', { body: { userId: freshId(), email } })
    assert.equal(r.status, 201)
    return { userId: r.body.userId as string, code: await mailedCode(h, email), email }
  }

  describe('single use', function () {
    it('an email code works once; reuse → 401 user_invalid_token', async () => {
      const { userId, code } = await emailCode()
      assert.equal((await redeem(userId, code)).status, 201)
      assertError(await redeem(userId, code), 401, 'user_invalid_token')
    })
    it('a magic link works once, whichever route redeems it', async () => {
      const email = uniqueEmail('once')
      await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
      const p = fromLink(await mailedLink(h, email))
      assert.equal((await redeem(p.userId, p.secret, '/account/sessions/magic-url')).status, 201)
      assertError(await redeem(p.userId, p.secret), 401, 'user_invalid_token')
      assertError(await redeem(p.userId, p.secret, '/account/sessions/magic-url'), 401, 'user_invalid_token')
    })
    it('a phone code works once', async () => {
      const phone = freshPhone()
      const r = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone } })
      const code = await textedCode(h, phone)
      assert.equal((await redeem(r.body.userId as string, code, '/account/sessions/phone')).status, 201)
      assertError(await redeem(r.body.userId as string, code, '/account/sessions/phone'), 401, 'user_invalid_token')
    })
  })

  describe('wrong codes', function () {
    it('a wrong code → 401 user_invalid_token; the right one still works after it', async () => {
      const { userId, code } = await emailCode()
      assertError(await redeem(userId, wrongFor(code)), 401, 'user_invalid_token')
      assert.equal((await redeem(userId, code)).status, 201)
    })
    it('4 wrong codes, then the right one → 201', async () => {
      const { userId, code } = await emailCode()
      for (let i = 1; i <= 4; i++) assertError(await redeem(userId, wrongFor(code, i)), 401, 'user_invalid_token')
      assert.equal((await redeem(userId, code)).status, 201)
    })
    it('5 wrong codes kill the token: the right one then → 401', async () => {
      const { userId, code } = await emailCode()
      for (let i = 1; i <= 5; i++) assertError(await redeem(userId, wrongFor(code, i)), 401, 'user_invalid_token')
      assertError(await redeem(userId, code), 401, 'user_invalid_token')
    })
    it('the 6th wrong code kills the token even if the 7th is right (issue wording)', async () => {
      const { userId, code } = await emailCode()
      for (let i = 1; i <= 6; i++) assertError(await redeem(userId, wrongFor(code, i)), 401, 'user_invalid_token')
      assertError(await redeem(userId, code), 401, 'user_invalid_token')
    })
    it('wrong phone codes count the same way (5 wrong, then right → 401)', async () => {
      const phone = freshPhone()
      const r = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone } })
      const code = await textedCode(h, phone)
      for (let i = 1; i <= 5; i++) assertError(await redeem(r.body.userId as string, wrongFor(code, i), '/account/sessions/phone'), 401, 'user_invalid_token')
      assertError(await redeem(r.body.userId as string, code, '/account/sessions/phone'), 401, 'user_invalid_token')
    })
    it('a fresh code after a killed one works', async () => {
      const email = uniqueEmail('fresh')
      const first = await emailCode(email)
      for (let i = 1; i <= 5; i++) await redeem(first.userId, wrongFor(first.code, i))
      const second = await emailCode(email)
      assert.equal((await redeem(second.userId, second.code)).status, 201)
    })
  })

  describe('expiry (fake clock)', function () {
    it('an email code expires after 15 minutes', async () => {
      const { userId, code } = await emailCode()
      h.clock.advance(15 * MIN + 1000)
      assertError(await redeem(userId, code), 401, 'user_invalid_token')
    })
    it('an email code still works just before 15 minutes', async () => {
      const { userId, code } = await emailCode()
      h.clock.advance(15 * MIN - 1000)
      assert.equal((await redeem(userId, code)).status, 201)
    })
    it('a phone code expires after 15 minutes', async () => {
      const phone = freshPhone()
      const r = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone } })
      const code = await textedCode(h, phone)
      h.clock.advance(15 * MIN + 1000)
      assertError(await redeem(r.body.userId as string, code, '/account/sessions/phone'), 401, 'user_invalid_token')
    })
    it('a magic link works at 59 minutes and is dead after 1 hour', async () => {
      const links: Array<{ userId: string; secret: string }> = []
      for (const tag of ['early', 'late']) {
        const email = uniqueEmail(tag)
        await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
        links.push(fromLink(await mailedLink(h, email)))
      }
      h.clock.advance(59 * MIN)
      assert.equal((await redeem(links[0].userId, links[0].secret)).status, 201)
      h.clock.advance(MIN + 1000)
      assertError(await redeem(links[1].userId, links[1].secret), 401, 'user_invalid_token')
    })
    it('a recovery link is dead after 1 hour', async () => {
      const user = await passwordUser(h, uniqueEmail('recexp'), PASSWORD)
      await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
      const p = fromLink(await mailedLink(h, user.email))
      h.clock.advance(HOUR + 1000)
      assertError(await h.call('PUT', '/account/recovery', { body: { ...p, password: 'a brand new passphrase' } }), 401, 'user_invalid_token')
    })
    it('an email verification link is dead after 7 days', async () => {
      const user = await passwordUser(h, uniqueEmail('verexp'), PASSWORD)
      await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/v` } })
      const p = fromLink(await mailedLink(h, user.email))
      h.clock.advance(7 * 24 * HOUR + 1000)
      assertError(await h.call('PUT', '/account/verifications/email', { session: user.session, body: p }), 401, 'user_invalid_token')
    })
    it('a phone verification code is dead after 15 minutes', async () => {
      const user = await passwordUser(h, uniqueEmail('pvexp'), PASSWORD)
      const phone = freshPhone()
      await h.call('PATCH', '/account/phone', { session: user.session, body: { phone, password: PASSWORD } })
      await h.call('POST', '/account/verifications/phone', { session: user.session })
      const code = await textedCode(h, phone)
      h.clock.advance(15 * MIN + 1000)
      assertError(await h.call('PUT', '/account/verifications/phone', { session: user.session, body: { userId: user.id, secret: code } }), 401, 'user_invalid_token')
    })
  })

  describe('one live code per kind (links: up to 10); kinds stay apart', function () {
    it('a new email code voids the previous one', async () => {
      const email = uniqueEmail('void')
      const a = await emailCode(email)
      const b = await emailCode(email)
      if (a.code !== b.code) assertError(await redeem(a.userId, a.code), 401, 'user_invalid_token')
      assert.equal((await redeem(b.userId, b.code)).status, 201)
    })
    // Finding M3: a stranger asking again must not void the owner's link (256 bits: keeping it
    // multiplies no guess). test/passwordless/link-voiding.test.ts checks the bound of 10.
    it('a new magic link keeps the previous one', async () => {
      const email = uniqueEmail('voidm')
      const links: Array<{ userId: string; secret: string }> = []
      for (let i = 0; i < 2; i++) {
        await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
        links.push(fromLink(await mailedLink(h, email)))
      }
      assert.equal((await redeem(links[0].userId, links[0].secret)).status, 201)
      assert.equal((await redeem(links[1].userId, links[1].secret)).status, 201)
    })
    it('a new recovery link keeps the previous one', async () => {
      const user = await passwordUser(h, uniqueEmail('voidr'), PASSWORD)
      const links: Array<{ userId: string; secret: string }> = []
      for (let i = 0; i < 2; i++) {
        await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
        links.push(fromLink(await mailedLink(h, user.email)))
      }
      assert.equal((await h.call('PUT', '/account/recovery', { body: { ...links[0], password: 'a brand new passphrase' } })).status, 200)
      assert.equal((await h.call('PUT', '/account/recovery', { body: { ...links[1], password: 'another new passphrase' } })).status, 200)
    })
    it('an email code and a magic link of one account both stay valid', async () => {
      const { userId, code, email } = await emailCode()
      await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
      const link = fromLink(await mailedLink(h, email))
      assert.equal((await redeem(userId, code)).status, 201)
      assert.equal((await redeem(link.userId, link.secret)).status, 201)
    })
    it('a recovery secret does not sign in, and stays usable for recovery', async () => {
      const user = await passwordUser(h, uniqueEmail('kind'), PASSWORD)
      await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
      const p = fromLink(await mailedLink(h, user.email))
      assertError(await redeem(p.userId, p.secret), 401, 'user_invalid_token')
      assert.equal((await h.call('PUT', '/account/recovery', { body: { ...p, password: 'a brand new passphrase' } })).status, 200)
    })
    it('an email-verification secret does not sign in', async () => {
      const user = await passwordUser(h, uniqueEmail('verkind'), PASSWORD)
      await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/v` } })
      const p = fromLink(await mailedLink(h, user.email))
      assertError(await redeem(p.userId, p.secret), 401, 'user_invalid_token')
    })
    it("one account's code does not open another account", async () => {
      const a = await emailCode()
      const b = await emailCode()
      assertError(await redeem(b.userId, a.code === b.code ? wrongFor(a.code) : a.code), 401, 'user_invalid_token')
    })
  })

  describe('unknown accounts', function () {
    for (const path of ['/account/sessions/token', '/account/sessions/magic-url', '/account/sessions/phone']) {
      it(`${path} with an unknown userId → 401 user_invalid_token (not 404)`, async () => {
        assertError(await redeem('nosuchuser123', '123456', path), 401, 'user_invalid_token')
      })
    }
    it('PUT recovery / verifications with an unknown userId → 401 user_invalid_token', async () => {
      for (const path of ['/account/verifications/email', '/account/verifications/phone', '/account/recovery']) {
        // Verifications answer a guest before looking anything up (user_unauthorized, the same
        // for every id); the key reaches the token lookup.
        const r = await h.call('PUT', path, { key: path !== '/account/recovery', body: { userId: 'nosuchuser123', secret: 'a'.repeat(64), password: 'a brand new passphrase' } })
        assertError(r, 401, 'user_invalid_token')
      }
    })
  })
})
