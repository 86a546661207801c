/**
 * Magic URL (issue 3, wire §2.4 POST /account/tokens/magic-url, PUT /account/sessions/magic-url)
 * end to end through node-appwrite and real SMTP, plus the redirect-URL rules (issue item 4).
 */
import assert from 'node:assert/strict'
import { ID, type Models } from 'node-appwrite'
import {
  APP_ORIGIN, HOUR, PROJECT, assertError, assertSessionShape, assertTokenShape, expectError, extractLink, fmt, freshId, mailedLink, me,
  nodeClients, plain, startHarness, uniqueEmail, type Harness,
} from './support.js'

describe('passwordless: magic URL through node-appwrite (MemoryStore)', function () {
  describe('an unknown email: token → mailed link → session', function () {
    let h: Harness
    let email: string
    let userId: string
    let issuedAt: number
    const seen: Record<string, unknown> = {}
    before(async () => {
      h = await startHarness()
      const sdk = nodeClients(h.endpoint)
      email = uniqueEmail('magic')
      userId = freshId()
      issuedAt = h.clock.now()
      seen.token = await sdk.guest.createMagicURLToken({ userId, email, url: `${APP_ORIGIN}/magic?from=mail` })
      seen.link = await mailedLink(h, email)
      const link = seen.link as URL
      seen.session = await sdk.key.updateMagicURLSession({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })
      seen.account = await me(h, (seen.session as Models.Session).secret)
    })
    after(() => h?.close())

    it('answers 201 Token with userId "" and secret "" for a non-key caller', () => {
      const t = plain(seen.token) as Record<string, unknown>
      assertTokenShape(t)
      assert.deepEqual([t.userId, t.secret, t.phrase], ['', '', ''])
    })
    it('the token expires in 1 hour', () => {
      assert.equal((seen.token as Models.Token).expire, fmt(issuedAt + HOUR))
    })
    it('the link is url + userId, secret (64 hex), expire, project; its own query survives', () => {
      const link = seen.link as URL
      assert.equal(link.origin + link.pathname, `${APP_ORIGIN}/magic`)
      assert.equal(link.searchParams.get('from'), 'mail')
      assert.equal(link.searchParams.get('userId'), userId)
      assert.match(link.searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/)
      assert.equal(link.searchParams.get('expire'), (seen.token as Models.Token).expire)
      assert.equal(link.searchParams.get('project'), PROJECT)
    })
    it('updateMagicURLSession → Session provider "magic-url", factors ["email"]', () => {
      const s = plain(seen.session) as Models.Session
      assertSessionShape(s)
      assert.deepEqual([s.userId, s.provider, s.providerUid, s.factors], [userId, 'magic-url', email.toLowerCase(), ['email']])
    })
    it('the account has the given id and a verified email', () => {
      const a = seen.account as Record<string, unknown>
      assert.deepEqual([a.$id, a.email, a.emailVerification], [userId, email.toLowerCase(), true])
    })
  })

  describe('redeeming, aliases and key callers', function () {
    let h: Harness
    let sdk: ReturnType<typeof nodeClients>
    before(async () => {
      h = await startHarness()
      sdk = nodeClients(h.endpoint)
    })
    after(() => h?.close())
    const params = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

    it('createSession (POST /account/sessions/token) redeems the link too', async () => {
      const email = uniqueEmail('ct')
      await sdk.guest.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/m` })
      const s = await sdk.guest.createSession(params(await mailedLink(h, email)))
      assert.deepEqual([s.provider, s.factors, s.secret], ['magic-url', ['email'], ''])
    })
    it('POST /account/sessions/magic-url is an alias: same answer, a working link', async () => {
      const email = uniqueEmail('alias')
      const r = await h.call('POST', '/account/sessions/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
      assert.equal(r.status, 201)
      assertTokenShape(r.body)
      assert.deepEqual([r.body.userId, r.body.secret], ['', ''])
      const s = await h.call('PUT', '/account/sessions/magic-url', { body: params(await mailedLink(h, email)) })
      assert.equal(s.status, 201)
      assert.equal(s.body.provider, 'magic-url')
    })
    it('a key caller sees userId and the raw 64-hex secret, the same one the link carries', async () => {
      const email = uniqueEmail('key')
      const t = await sdk.key.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/m` })
      assert.match(t.secret, /^[0-9a-f]{64}$/)
      const link = await mailedLink(h, email)
      assert.deepEqual([link.searchParams.get('userId'), link.searchParams.get('secret')], [t.userId, t.secret])
    })
    it('known and unknown emails get the same-looking answer (userId "" both)', async () => {
      const known = uniqueEmail('known')
      await sdk.guest.create({ userId: ID.unique(), email: known, password: 'correct horse battery' })
      const a = await sdk.guest.createMagicURLToken({ userId: ID.unique(), email: known, url: `${APP_ORIGIN}/m` })
      const b = await sdk.guest.createMagicURLToken({ userId: ID.unique(), email: uniqueEmail('new'), url: `${APP_ORIGIN}/m` })
      assert.deepEqual([a.userId, a.secret, a.phrase], [b.userId, b.secret, b.phrase])
      assert.notEqual((await mailedLink(h, known)).searchParams.get('userId'), '', 'the link carries the id')
    })
    it('phrase: true → phrase in the answer and the mail', async () => {
      const email = uniqueEmail('phrase')
      const t = await sdk.guest.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/m`, phrase: true })
      assert.match(t.phrase, /^[A-Z][a-z]+ [A-Z][a-z]+$/)
      assert.ok((await h.smtp.next(email)).text.includes(t.phrase))
    })
    it('the HTML part links to the same URL as the text part', async () => {
      const email = uniqueEmail('html')
      await sdk.guest.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/m` })
      const mail = await h.smtp.next(email)
      assert.equal(extractLink(mail.html).href, extractLink(mail.text).href)
    })
    it('no url and no magicUrl option → 400 general_argument_invalid', async () => {
      const r = await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email: uniqueEmail('nourl') } })
      assertError(r, 400, 'general_argument_invalid')
    })
    it('loopback redirect hosts are allowed (localhost, 127.0.0.1)', async () => {
      for (const url of ['http://localhost:3000/cb', 'http://127.0.0.1:8080/cb']) {
        const email = uniqueEmail('lo')
        await sdk.guest.createMagicURLToken({ userId: ID.unique(), email, url })
        assert.equal((await mailedLink(h, email)).origin, new URL(url).origin)
      }
    })
  })

  describe('options.magicUrl: the default landing page', function () {
    let h: Harness
    before(async () => {
      h = await startHarness(undefined, { magicUrl: `${APP_ORIGIN}/landing` })
    })
    after(() => h?.close())

    it('a request without url gets a link to options.magicUrl; an explicit url still wins', async () => {
      const email = uniqueEmail('def')
      assert.equal((await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email } })).status, 201)
      assert.equal((await mailedLink(h, email)).pathname, '/landing')
      await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/other` } })
      assert.equal((await mailedLink(h, email)).pathname, '/other')
    })
  })

  describe('redirect URL rules', function () {
    let h: Harness
    before(async () => {
      h = await startHarness()
    })
    after(() => h?.close())
    const bad = [
      'localhost/x', 'http://remotehost/x', 'javascript:alert(1)', 'https://app.example.com.evil.test/x', 'ftp://app.example.com/x',
      'data:text/html,hi', 'http://app.example.com/x', 'https://app.example.com:8443/x', 'https://user:pw@app.example.com/x',
      'http://localhost.evil.test/x', '//app.example.com/x',
    ]

    for (const url of bad) {
      it(`url ${JSON.stringify(url)} → 400 general_argument_invalid, no mail`, async () => {
        const email = uniqueEmail('bad')
        const sdk = nodeClients(h.endpoint)
        await expectError(sdk.guest.createMagicURLToken({ userId: ID.unique(), email, url }), 400, 'general_argument_invalid')
        const alias = await h.call('POST', '/account/sessions/magic-url', { body: { userId: 'unique()', email, url } })
        assertError(alias, 400, 'general_argument_invalid')
        await new Promise((r) => setTimeout(r, 100))
        assert.equal(h.smtp.messages.filter((m) => m.to === email.toLowerCase()).length, 0)
      })
    }
    it('an allowed origin matches whatever its case; IPv6 loopback is allowed', async () => {
      for (const url of ['HTTPS://APP.EXAMPLE.COM/x', 'http://[::1]:3000/cb']) {
        const email = uniqueEmail('ok')
        assert.equal((await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url } })).status, 201, url)
        assert.equal((await mailedLink(h, email)).origin, new URL(url).origin)
      }
    })
    it('a bad url creates no account for an unknown email', async () => {
      const email = uniqueEmail('noacct')
      const userId = freshId()
      assertError(await h.call('POST', '/account/tokens/magic-url', { body: { userId, email, url: 'http://remotehost/x' } }), 400, 'general_argument_invalid')
      const created = await h.call('POST', '/account', { body: { userId, email, password: 'correct horse battery' } })
      assert.equal(created.status, 201, 'neither the id nor the email was taken')
    })
  })
})
