/**
 * The example's MFA pages (example/mfa.ts): `GET /mfa` for a fully signed-in user (guests are
 * sent to `/`, a session that owes a factor to `/mfa/challenge`), `GET /mfa/challenge` for a
 * session that owes one, `POST /mfa/qr` drawing the user's pending authenticator as a PNG
 * data: URL with `qrcode`. The pages' scripts (Appwrite's web SDK) run in Chromium in
 * test/browser/; here the same steps go through the API with the page's cookie, and the
 * server-side parts (redirects, escaping, the QR endpoint) are checked. The example runs on
 * the real clock, so TOTP codes here are computed from `Date.now()`.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { createExampleApp, type Example } from '../../example/app.js'

const API_KEY = 'example-mfa-test-key-0123456789'
const SECRET = 'example-mfa-test-secret-at-least-32-bytes'
const PASSWORD = 'correct-horse-battery'
const PROJECT = 'demo'

const code = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 })

/** A JSON answer of the Account API; the assertions read the fields each route returns. */
// biome-ignore lint/suspicious/noExplicitAny: each test reads the fields its route returns.
type ApiBody = Record<string, any>

/** The Account API with a browser's cookie jar (and the page's Origin on writes), as the web SDK calls it from the page. */
async function api(origin: string, jar: Map<string, string>, method: string, path: string, body?: unknown): Promise<{ status: number; body: ApiBody }> {
  const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') }
  if (method !== 'GET') headers.origin = origin
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${origin}/v1/account${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

describe('example app: the MFA page (/mfa, /mfa/qr)', function () {
  let example: Example
  let server: Server
  let origin: string
  let email: string
  let totpSecret: string
  let totpUri: string
  let recoveryCodes: string[]

  /** `fetch` against the example with an optional cookie jar. */
  const get = (path: string, jar?: Map<string, string>, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (jar?.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    return fetch(`${origin}${path}`, { redirect: 'manual', ...init, headers })
  }
  const postQr = (jar: Map<string, string> | undefined, body: unknown) =>
    get('/mfa/qr', jar, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  /** Signs in with the key (server-style) and keeps the cookie, as the browser would after a sign-in. */
  const signIn = async (): Promise<Map<string, string>> => {
    const res = await fetch(`${origin}/v1/account/sessions/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
    assert.equal(res.status, 201)
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`a_session_${PROJECT}=`))
    assert.ok(cookie)
    const eq = cookie.indexOf('=')
    return new Map([[cookie.slice(0, eq), cookie.slice(eq + 1)]])
  }

  before(async function () {
    example = createExampleApp({ ACCOUNTS_API_KEY: API_KEY, ACCOUNTS_SECRET: SECRET }, { warn: () => undefined, log: () => undefined })
    server = createServer(example.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    email = `mfa.example.${process.pid}.${Date.now()}@example.com`
    const res = await fetch(`${origin}/v1/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT },
      body: JSON.stringify({ userId: 'unique()', email, password: PASSWORD, name: '<b>Pat</b> & "co"' }),
    })
    assert.equal(res.status, 201)
    assert.match(((await res.json()) as { $id: string }).$id, /^[a-zA-Z0-9]/)
  })
  after(async function () {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await example?.close()
  })

  it('guests: GET /mfa → 302 to /, POST /mfa/qr → 401 general_unauthorized_scope', async function () {
    const page = await get('/mfa')
    assert.equal(page.status, 302)
    assert.equal(page.headers.get('location'), '/')
    const qr = await postQr(undefined, { uri: 'otpauth://totp/demo:x?secret=JBSWY3DPEHPK3PXP&issuer=demo' })
    assert.equal(qr.status, 401)
    assert.equal(((await qr.json()) as { type: string }).type, 'general_unauthorized_scope')
  })

  describe('a signed-in user without MFA', function () {
    let jar: Map<string, string>
    let html: string
    before(async function () {
      jar = await signIn()
      const res = await get('/mfa', jar)
      assert.equal(res.status, 200)
      assert.match(res.headers.get('content-type') ?? '', /text\/html/)
      assert.equal(res.headers.get('cache-control'), 'no-store')
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/)
      html = await res.text()
    })

    it('the page shows the enrolment, with server-rendered values HTML-escaped and no inline code', function () {
      assert.ok(html.includes('&#60;b&#62;Pat&#60;/b&#62; &#38; &#34;co&#34;'), 'name escaped in the header')
      assert.ok(!html.includes('<b>Pat'), 'no raw markup from the name')
      for (const id of ['totp-start', 'totp-verify', 'recovery-create', 'mfa-toggle']) assert.ok(html.includes(`id="${id}"`), id)
      assert.ok(!html.includes('id="challenge-start"'), 'no challenge form for a full session')
      assert.match(html, /Turn two-step sign-in on/)
      assert.match(html, /<script src="\/vendor\/appwrite.js" defer><\/script>/)
      assert.match(html, /<script type="module" src="\/assets\/pages\/mfa.js"><\/script>/)
      assert.match(html, /<script type="application\/json" id="page-config">\{"project":"demo","enabled":false\}<\/script>/)
      assert.equal([...html.matchAll(/<script>/g)].length, 0, 'no inline script')
    })

    it('"Set up an authenticator app": POST /v1/…/authenticators/totp, then the QR of its otpauth:// URI from /mfa/qr; a first code activates it', async function () {
      const created = await api(origin, jar, 'POST', '/mfa/authenticators/totp')
      assert.equal(created.status, 200)
      ;({ secret: totpSecret, uri: totpUri } = created.body as { secret: string; uri: string })
      assert.match(totpUri, /^otpauth:\/\/totp\/demo:/)
      const qr = await postQr(jar, { uri: totpUri })
      assert.equal(qr.status, 200)
      assert.equal(qr.headers.get('cache-control'), 'no-store')
      const { dataUrl } = (await qr.json()) as { dataUrl: string }
      assert.match(dataUrl, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)
      // Exactly the URI, drawn by qrcode with the example's options.
      assert.equal(dataUrl, await QRCode.toDataURL(totpUri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }))
      const activated = await api(origin, jar, 'PUT', '/mfa/authenticators/totp', { otp: code(totpSecret) })
      assert.equal(activated.status, 200)
      const after = await (await get('/mfa', jar)).text()
      assert.ok(after.includes('id="totp-remove"') && !after.includes('id="totp-start"'), 'the page shows the active authenticator')
    })

    it('POST /mfa/qr checks the URI: another label, another issuer, not otpauth, too long → 400; no pending authenticator → 404', async function () {
      // A pending authenticator again (the one above is active now): use another account.
      const other = `mfa.example.qr.${process.pid}.${Date.now()}@example.com`
      await fetch(`${origin}/v1/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT },
        body: JSON.stringify({ userId: 'unique()', email: other, password: PASSWORD }),
      })
      const s = await fetch(`${origin}/v1/account/sessions/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT, 'x-appwrite-key': API_KEY },
        body: JSON.stringify({ email: other, password: PASSWORD }),
      })
      const value = ((await s.json()) as { secret: string }).secret
      const otherJar = new Map([[`a_session_${PROJECT}`, value]])
      assert.equal((await postQr(otherJar, { uri: 'otpauth://totp/demo:x?secret=JBSWY3DPEHPK3PXP&issuer=demo' })).status, 404, 'nothing pending yet')
      const t = await fetch(`${origin}/v1/account/mfa/authenticators/totp`, { method: 'POST', headers: { 'x-appwrite-project': PROJECT, 'x-appwrite-session': value } })
      const { uri } = (await t.json()) as { uri: string }
      const ok = await postQr(otherJar, { uri })
      assert.equal(ok.status, 200)
      assert.equal(((await ok.json()) as { dataUrl: string }).dataUrl, await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }))
      for (const bad of [
        uri.replace(encodeURIComponent(other), encodeURIComponent(email)), // the first user's label
        uri.replace(/issuer=demo/, 'issuer=evil').replace(/totp\/demo:/, 'totp/evil:'),
        uri.replace('otpauth://totp', 'otpauth://hotp') + '&counter=0',
        'https://example.com/',
        `${uri}&x=${'a'.repeat(600)}`,
        42,
      ]) {
        const r = await postQr(otherJar, { uri: bad })
        assert.equal(r.status, 400, String(bad))
        assert.equal(((await r.json()) as { type: string }).type, 'general_argument_invalid')
      }
      assert.equal((await postQr(otherJar, {})).status, 400)
      // The first user's authenticator is active: nothing to draw any more.
      assert.equal((await postQr(jar, { uri: totpUri })).status, 404)
    })

    it('recovery codes, then MFA on: the page says so, and the session that turned it on stays in', async function () {
      const created = await api(origin, jar, 'POST', '/mfa/recovery-codes')
      assert.equal(created.status, 201)
      recoveryCodes = created.body.recoveryCodes
      assert.equal(recoveryCodes.length, 6)
      assert.equal((await api(origin, jar, 'PATCH', '/mfa', { mfa: true })).status, 200)
      const again = await (await get('/mfa', jar)).text()
      assert.match(again, /Two-step sign-in is on/)
      assert.match(again, /Turn two-step sign-in off/)
      assert.ok(again.includes('id="recovery-regenerate"'))
      assert.match(again, /"enabled":true/)
      assert.equal((await get('/api/me', jar)).status, 200, 'the session that turned it on stays in')
    })
  })

  describe('a later sign-in that owes a factor', function () {
    it('/api/me → 401 user_more_factors_required; every page sends it to /mfa/challenge, which offers the factors; /mfa/qr is refused', async function () {
      const jar = await signIn()
      const me = await get('/api/me', jar)
      assert.equal(me.status, 401)
      assert.equal(((await me.json()) as { type: string }).type, 'user_more_factors_required')
      for (const path of ['/mfa', '/account', '/sessions', '/', '/sign-up']) {
        const res = await get(path, jar)
        assert.equal(res.status, 302, path)
        assert.equal(res.headers.get('location'), '/mfa/challenge', path)
      }
      const res = await get('/mfa/challenge', jar)
      assert.equal(res.status, 200)
      const html = await res.text()
      assert.ok(html.includes('id="challenge-start"'))
      assert.match(html, /<input type="radio" name="factor" value="totp" checked> A code from my authenticator app<\/label>/)
      assert.match(html, /<input type="radio" name="factor" value="recoveryCode"> One of my recovery codes<\/label>/)
      assert.ok(!html.includes('value="email"'), 'an unverified email is no factor')
      assert.equal((await postQr(jar, { uri: totpUri })).status, 401)
    })

    it('a full session and a guest never see the challenge page', async function () {
      const full = await get('/mfa/challenge', await signInWithTotp(1))
      assert.equal(full.status, 302)
      assert.equal(full.headers.get('location'), '/account')
      const guest = await get('/mfa/challenge')
      assert.equal(guest.status, 302)
      assert.equal(guest.headers.get('location'), '/')
    })

    it('the challenge with a recovery code; a wrong code keeps the session gated', async function () {
      const jar = await signIn()
      const challenge = await api(origin, jar, 'POST', '/mfa/challenges', { factor: 'recoveryCode' })
      assert.equal(challenge.status, 201)
      const wrong = await api(origin, jar, 'PUT', '/mfa/challenges', { challengeId: challenge.body.$id, otp: 'ffffffffff' })
      assert.equal(wrong.status, 401)
      assert.equal((await get('/api/me', jar)).status, 401)
      assert.equal((await get('/account', jar)).headers.get('location'), '/mfa/challenge')
      const right = await api(origin, jar, 'PUT', '/mfa/challenges', { challengeId: challenge.body.$id, otp: recoveryCodes[0] })
      assert.equal(right.status, 200)
      assert.deepEqual(right.body.factors, ['password', 'recoveryCode'])
      assert.equal((await get('/api/me', jar)).status, 200)
      assert.equal((await get('/account', jar)).status, 200)
    })
  })

  /** A password sign-in finished with the authenticator's code `steps` steps ahead (each step is accepted once). */
  async function signInWithTotp(steps: number): Promise<Map<string, string>> {
    const jar = await signIn()
    const challenge = await api(origin, jar, 'POST', '/mfa/challenges', { factor: 'totp' })
    const done = await api(origin, jar, 'PUT', '/mfa/challenges', { challengeId: challenge.body.$id, otp: code(totpSecret, steps) })
    assert.equal(done.status, 200, JSON.stringify(done.body))
    return jar
  }
})
