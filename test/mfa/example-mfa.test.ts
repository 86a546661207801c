/**
 * The example's MFA page (example/mfa.ts, mounted by example/app.ts): `GET /mfa` for the
 * signed-in user (guests are sent to `/`), `POST /mfa/qr` drawing the user's pending
 * authenticator as a PNG data: URL with `qrcode`. The page's own inline script is run in a
 * sandbox against the real server (a fake DOM, a same-origin `fetch` with a cookie jar): it
 * enrols an authenticator, creates recovery codes, turns MFA on, and — on a later sign-in
 * that owes a factor — completes a challenge. The example runs on the real clock, so TOTP
 * codes here are computed from `Date.now()`.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import vm from 'node:vm'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { createExampleApp, type Example } from '../../example/app.js'

const API_KEY = 'example-mfa-test-key-0123456789'
const SECRET = 'example-mfa-test-secret-at-least-32-bytes'
const PASSWORD = 'correct-horse-battery'
const PROJECT = 'demo'

const code = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 })

/** The inline scripts of a page, in order. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1])
}

type Listener = (event: { preventDefault(): void }) => Promise<void> | void

interface FakeElement {
  id: string
  textContent: string
  hidden: boolean
  src: string
  children: FakeElement[]
  elements: Record<string, { value: string }>
  listeners: Record<string, Listener>
  addEventListener(type: string, fn: Listener): void
  append(...children: FakeElement[]): void
}

function fakeElement(id = ''): FakeElement {
  return {
    id,
    textContent: '',
    hidden: false,
    src: '',
    children: [],
    elements: {},
    listeners: {},
    addEventListener(type, fn) {
      this.listeners[type] = fn
    },
    append(...children) {
      this.children.push(...children)
    },
  }
}

/** A browser tab on `page`: same-origin fetch with `Origin` on writes and a cookie jar; records the API answers it read. */
function browser(page: URL, jar: Map<string, string>) {
  const answers: Array<{ method: string; path: string; status: number; body: unknown }> = []
  const fetchFn = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input, page)
    assert.equal(url.origin, page.origin, 'the page only talks to its own origin')
    const headers = new Headers(init.headers)
    const method = init.method ?? 'GET'
    if (method !== 'GET') headers.set('origin', page.origin)
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await fetch(url, { ...init, headers })
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]
      const eq = pair.indexOf('=')
      jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    const text = await res.text()
    answers.push({ method, path: url.pathname, status: res.status, body: text ? JSON.parse(text) : null })
    return new Response(text, { status: res.status, headers: res.headers })
  }
  return { fetch: fetchFn, answers }
}

/** Runs the page's script in a sandbox; returns its elements and how to fire their listeners. */
function runPage(html: string, page: URL, jar: Map<string, string>) {
  const [script] = inlineScripts(html)
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1])
  const elements: Record<string, FakeElement> = Object.fromEntries(ids.map((id) => [id, fakeElement(id)]))
  for (const id of ids) if (new RegExp(` id="${id}"[^>]* hidden`).test(html)) elements[id].hidden = true
  let reloads = 0
  const tab = browser(page, jar)
  const context = vm.createContext({
    document: { getElementById: (id: string) => elements[id] ?? null, createElement: () => fakeElement() },
    location: { ...page, reload: () => (reloads += 1) },
    fetch: tab.fetch,
  })
  new vm.Script(script, { filename: 'mfa-page.js' }).runInContext(context)
  return {
    el: elements,
    answers: tab.answers,
    reloads: () => reloads,
    async fire(id: string, type: 'click' | 'submit') {
      const fn = elements[id]?.listeners[type]
      assert.ok(fn, `#${id} has a ${type} listener`)
      await fn({ preventDefault() {} })
    },
  }
}

describe('example app: the MFA page (/mfa, /mfa/qr)', function () {
  let example: Example
  let server: Server
  let origin: string
  let email: string
  let accountId: string
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
    accountId = ((await res.json()) as { $id: string }).$id
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
      html = await res.text()
    })

    it('the page shows the enrolment, with server-rendered values HTML-escaped and one parseable script', function () {
      assert.ok(html.includes('&#60;b&#62;Pat&#60;/b&#62; &#38; &#34;co&#34;'), 'name escaped')
      assert.ok(!html.includes('<b>Pat'), 'no raw markup from the name')
      assert.ok(html.includes(escapeForTest(email)))
      for (const id of ['totp-start', 'totp-verify', 'recovery-create', 'mfa-toggle']) assert.ok(html.includes(`id="${id}"`), id)
      assert.ok(!html.includes('id="challenge-start"'), 'no challenge form for a full session')
      assert.match(html, /Turn two-step sign-in on/)
      const scripts = inlineScripts(html)
      assert.equal(scripts.length, 1)
      assert.match(scripts[0], /const config = \{"project":"demo","enabled":false\}/)
      assert.match(scripts[0], /fetch\('\/v1\/account' \+ path/)
      assert.match(scripts[0], /fetch\('\/mfa\/qr'/)
      new vm.Script(scripts[0]) // parses
    })

    it('"Set up an authenticator app": POST /v1/…/authenticators/totp, then the QR of its otpauth:// URI from /mfa/qr', async function () {
      const tab = runPage(html, new URL(`${origin}/mfa`), jar)
      assert.equal(tab.el['totp-setup'].hidden, true)
      await tab.fire('totp-start', 'click')
      const created = tab.answers.find((a) => a.path === '/v1/account/mfa/authenticators/totp')
      assert.ok(created, JSON.stringify(tab.answers))
      assert.equal(created.status, 200)
      ;({ secret: totpSecret, uri: totpUri } = created.body as { secret: string; uri: string })
      assert.match(totpUri, /^otpauth:\/\/totp\/demo:/)
      assert.equal(tab.el['totp-setup'].hidden, false)
      assert.equal(tab.el['totp-secret'].textContent, totpSecret)
      assert.match(tab.el['totp-qr'].src, /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/)
      // Exactly the URI, drawn by qrcode with the example's options.
      assert.equal(tab.el['totp-qr'].src, await QRCode.toDataURL(totpUri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }))
      assert.match(tab.el['mfa-status'].textContent, /^Scan the code/)

      // Then the first code.
      tab.el['totp-verify'].elements.otp = { value: code(totpSecret) }
      await tab.fire('totp-verify', 'submit')
      assert.match(tab.el['mfa-status'].textContent, /^Authenticator app active\./)
      const activated = tab.answers.find((a) => a.method === 'PUT')
      assert.equal(activated?.status, 200)
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

    it('"Create recovery codes" lists six 10-hex codes', async function () {
      const tab = runPage(html, new URL(`${origin}/mfa`), jar)
      await tab.fire('recovery-create', 'click')
      recoveryCodes = tab.el['recovery-codes'].children.map((c) => c.textContent)
      assert.equal(recoveryCodes.length, 6)
      for (const c of recoveryCodes) assert.match(c, /^[0-9a-f]{10}$/)
      assert.equal(tab.el['recovery-codes'].hidden, false)
    })

    it('the switch turns MFA on (PATCH /v1/account/mfa) and reloads', async function () {
      const tab = runPage(html, new URL(`${origin}/mfa`), jar)
      await tab.fire('mfa-toggle', 'submit')
      assert.equal(tab.reloads(), 1)
      assert.equal(tab.el['mfa-status'].textContent, 'Two-step sign-in is on.')
      const again = await (await get('/mfa', jar)).text()
      assert.match(again, /Two-step sign-in is on/)
      assert.match(again, /Turn two-step sign-in off/)
      assert.match(inlineScripts(again)[0], /"enabled":true/)
      assert.equal((await get('/api/me', jar)).status, 200, 'the session that turned it on stays in')
    })
  })

  describe('a later sign-in that owes a factor', function () {
    it('/api/me → 401 user_more_factors_required; /mfa shows the challenge form; /mfa/qr is refused', async function () {
      const jar = await signIn()
      const me = await get('/api/me', jar)
      assert.equal(me.status, 401)
      assert.equal(((await me.json()) as { type: string }).type, 'user_more_factors_required')
      const html = await (await get('/mfa', jar)).text()
      assert.ok(html.includes('id="challenge-start"'))
      assert.ok(!html.includes('id="totp-start"'))
      assert.match(html, /<option value="totp">Authenticator app<\/option><option value="recoveryCode">Recovery code<\/option>/)
      assert.match(html, /<code id="factors">password<\/code>/)
      assert.equal((await postQr(jar, { uri: totpUri })).status, 401)
    })

    it('the challenge form with the authenticator: POST then PUT /v1/account/mfa/challenges → /api/me 200', async function () {
      const jar = await signIn()
      const tab = runPage(await (await get('/mfa', jar)).text(), new URL(`${origin}/mfa`), jar)
      assert.equal(tab.el['challenge-verify'].hidden, true)
      tab.el['challenge-start'].elements.factor = { value: 'totp' }
      await tab.fire('challenge-start', 'submit')
      assert.equal(tab.el['challenge-verify'].hidden, false)
      // The activation code's step is spent; the next step's code is within the ±1 window.
      tab.el['challenge-verify'].elements.otp = { value: code(totpSecret, 1) }
      await tab.fire('challenge-verify', 'submit')
      assert.equal(tab.el['mfa-status'].textContent, 'Done: this session is fully signed in.', JSON.stringify(tab.answers))
      assert.equal(tab.el.factors.textContent, 'password, totp')
      assert.equal(tab.reloads(), 1)
      const me = await get('/api/me', jar)
      assert.equal(me.status, 200)
      assert.equal(((await me.json()) as { $id: string }).$id, accountId)
    })

    it('the challenge form with a recovery code; a wrong code shows the error and keeps the session gated', async function () {
      const jar = await signIn()
      const tab = runPage(await (await get('/mfa', jar)).text(), new URL(`${origin}/mfa`), jar)
      tab.el['challenge-start'].elements.factor = { value: 'recoveryCode' }
      await tab.fire('challenge-start', 'submit')
      tab.el['challenge-verify'].elements.otp = { value: 'ffffffffff' }
      await tab.fire('challenge-verify', 'submit')
      assert.match(tab.el['mfa-status'].textContent, /^Failed: /)
      assert.equal((await get('/api/me', jar)).status, 401)
      tab.el['challenge-verify'].elements.otp = { value: ` ${recoveryCodes[0]} ` }
      await tab.fire('challenge-verify', 'submit')
      assert.equal(tab.el.factors.textContent, 'password, recoveryCode')
      assert.equal((await get('/api/me', jar)).status, 200)
    })
  })
})

function escapeForTest(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
