import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import request from 'supertest'
import { createExampleApp, type Example, type ExampleEnv } from '../../example/app.js'
import { scriptJson } from '../../example/html.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { extractCode, extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const API_KEY = 'example-test-key-0123456789'
const SECRET = 'example-test-secret-at-least-32-bytes!'
const PASSWORD = 'correct-horse-battery'

/** The `a_session_<project>=<value>` pair from a response's Set-Cookie, ready for a Cookie header. */
function sessionCookie(res: request.Response, project: string): string {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined
  const found = (raw ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith(`a_session_${project}=`))
  assert.ok(found, `no a_session_${project} cookie in ${JSON.stringify(raw)}`)
  return found
}

describe('example app (createExampleApp, MemoryStore)', function () {
  let example: Example
  const warnings: string[] = []
  let accountId: string
  let cookie: string
  const email = `example.${process.pid}.${Date.now()}@example.com`

  before(function () {
    example = createExampleApp({ ACCOUNTS_API_KEY: API_KEY, ACCOUNTS_SECRET: SECRET }, { warn: (m) => warnings.push(m) })
  })

  after(async function () {
    await example.accounts.store.close()
  })

  it('uses the defaults: project demo, MemoryStore, no warning when a secret is given', function () {
    assert.equal(example.accounts.options.project, 'demo')
    assert.equal(example.storeName, 'MemoryStore')
    assert.deepEqual(warnings, [])
  })

  it('GET /developers explains the SDK endpoint and project id', async function () {
    const res = await request(example.app).get('/developers').expect(200).expect('Content-Type', /text\/html/)
    assert.match(res.text, /setEndpoint\('http:\/\/127\.0\.0\.1:\d+\/v1'\)/)
    assert.match(res.text, /setProject\('demo'\)/)
    assert.ok(!res.text.includes(API_KEY), 'the page must not show the API key')
  })

  it('signs up through the router at /v1', async function () {
    const res = await request(example.app)
      .post('/v1/account')
      .set('X-Appwrite-Project', 'demo')
      .send({ userId: 'unique()', email, password: PASSWORD, name: 'Example User' })
      .expect(201)
    assert.equal(res.body.email, email)
    accountId = res.body.$id
  })

  it('signs in with X-Appwrite-Key: the key caller gets the secret, the browser gets the cookie', async function () {
    const res = await request(example.app)
      .post('/v1/account/sessions/email')
      .set('X-Appwrite-Project', 'demo')
      .set('X-Appwrite-Key', API_KEY)
      .send({ email, password: PASSWORD })
      .expect(201)
    assert.equal(res.body.userId, accountId)
    assert.ok(res.body.secret.length > 0)
    cookie = sessionCookie(res, 'demo')
  })

  it('GET /api/me with the session cookie → 200 with the account', async function () {
    const res = await request(example.app).get('/api/me').set('Cookie', cookie).expect(200)
    assert.equal(res.body.$id, accountId)
    assert.equal(res.body.email, email)
    assert.equal(res.body.name, 'Example User')
    assert.equal(res.body.passwordHash, undefined)
  })

  it('GET /api/me without a session → 401 Appwrite-shaped JSON', async function () {
    const res = await request(example.app).get('/api/me').expect(401).expect('Content-Type', /application\/json/)
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'type', 'version'])
    assert.equal(res.body.code, 401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('GET /api/me with a forged session → 401', async function () {
    const forged = Buffer.from(JSON.stringify({ id: accountId, secret: 'f'.repeat(64) })).toString('base64')
    const res = await request(example.app).get('/api/me').set('Cookie', `a_session_demo=${encodeURIComponent(forged)}`).expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('a wrong X-Appwrite-Key is refused', async function () {
    const res = await request(example.app)
      .post('/v1/account/sessions/email')
      .set('X-Appwrite-Key', 'not-the-example-key-at-all')
      .send({ email, password: PASSWORD })
      .expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })
})

describe('example app configuration (environment)', function () {
  it('without ACCOUNTS_SECRET: a random secret and one warning', async function () {
    const warnings: string[] = []
    const example = createExampleApp({}, { warn: (m) => warnings.push(m) })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /ACCOUNTS_SECRET is not set/)
    assert.ok(example.accounts.options.secret.length >= 32)
    assert.deepEqual(example.accounts.options.apiKeys, [])
    await example.accounts.store.close()
  })

  it('ACCOUNTS_PROJECT names the project and the cookie', async function () {
    const example = createExampleApp({ ACCOUNTS_PROJECT: 'shop', ACCOUNTS_SECRET: SECRET })
    assert.equal(example.accounts.options.project, 'shop')
    const res = await request(example.app).get('/v1/account').set('X-Appwrite-Project', 'other').expect(404)
    assert.equal(res.body.type, 'project_not_found')
    await example.accounts.store.close()
  })

  it('REDIS_URL selects RedisStore (connects lazily, so nothing is contacted here)', async function () {
    const example = createExampleApp({ REDIS_URL: 'redis://127.0.0.1:1', ACCOUNTS_SECRET: SECRET })
    assert.equal(example.storeName, 'RedisStore')
    // The core reaches it through the per-call deadline (GuardedStore); `inner` is the store as configured.
    assert.equal(example.accounts.store.inner.constructor.name, 'RedisStore')
    await example.accounts.store.close()
  })

  it('a short ACCOUNTS_API_KEY fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_API_KEY: 'short', ACCOUNTS_SECRET: SECRET }), {
      name: 'ExampleConfigError',
      message: /^ACCOUNTS_API_KEY must be at least 16 characters \(it has 5\)/,
    })
  })

  it('a short ACCOUNTS_SECRET fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: 'too-short' }), { name: 'ExampleConfigError', message: /^ACCOUNTS_SECRET must be at least 32 bytes/ })
  })

  it('an invalid ACCOUNTS_PROJECT fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_PROJECT: 'no spaces', ACCOUNTS_SECRET: SECRET }), { name: 'ExampleConfigError', message: /^ACCOUNTS_PROJECT must be/ })
  })

  it('NODE_ENV=production without ACCOUNTS_SECRET fails instead of inventing one', function () {
    assert.throws(() => createExampleApp({ NODE_ENV: 'production' }), { name: 'ExampleConfigError', message: /ACCOUNTS_SECRET is required/ })
  })
})

/** Polls `check` every 10 ms until it returns a value other than undefined / false. */
async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** An example built from `env` whose console delivery writes into `logs` (no console spying). */
function exampleWithLogs(env: ExampleEnv): { example: Example; logs: string[]; warnings: string[] } {
  const logs: string[] = []
  const warnings: string[] = []
  const example = createExampleApp({ ACCOUNTS_SECRET: SECRET, ...env }, { log: (t) => logs.push(t), warn: (m) => warnings.push(m) })
  return { example, logs, warnings }
}

const uniqueEmail = (tag: string) => `${tag}.${process.pid}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`

describe('example app: delivery, redirect origins and PUBLIC_URL (environment)', function () {
  const opened: Example[] = []
  const build = (env: ExampleEnv) => {
    const built = exampleWithLogs(env)
    opened.push(built.example)
    return built
  }
  afterEach(async function () {
    await Promise.all(opened.splice(0).map((e) => e.close()))
  })

  it('by default prints email to the console (options.log): a magic link to http://localhost:3000/magic', async function () {
    const { example, logs } = build({})
    assert.deepEqual(example.delivery, { email: 'console', sms: 'console' })
    assert.equal(example.magicUrl, 'http://localhost:3000/magic')
    assert.equal(example.accounts.options.magicUrl, 'http://localhost:3000/magic')
    const email = uniqueEmail('console')
    // No `url`: the app's own landing page is the default.
    const res = await request(example.app).post('/v1/account/tokens/magic-url').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', email }).expect(201)
    assert.deepEqual([res.body.userId, res.body.secret], ['', ''], 'a browser learns neither the account id nor the secret')
    const printed = await eventually(() => logs.find((l) => l.includes(email)), 'the console email')
    assert.match(printed, /DEV EMAIL/)
    assert.match(printed, /kind: +magic-url/)
    const link = extractLink(printed)
    assert.equal(link.origin + link.pathname, 'http://localhost:3000/magic')
    assert.match(link.searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/)
    assert.equal(link.searchParams.get('project'), 'demo')
    const account = await example.accounts.findAccountByEmail(email)
    assert.equal(link.searchParams.get('userId'), account?.id)
  })

  it('by default prints SMS to the console: the phone code signs in with PUT /v1/account/sessions/phone', async function () {
    const { example, logs } = build({})
    const phone = '+14155552671'
    const res = await request(example.app).post('/v1/account/tokens/phone').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', phone }).expect(201)
    const printed = await eventually(() => logs.find((l) => l.includes('DEV SMS') && l.includes(phone)), 'the console SMS')
    const code = extractCode(printed)
    const session = await request(example.app)
      .put('/v1/account/sessions/phone')
      .set('X-Appwrite-Project', 'demo')
      .send({ userId: res.body.userId, secret: code })
      .expect(201)
    assert.deepEqual([session.body.provider, session.body.factors], ['phone', ['phone']])
  })

  describe('SMTP_URL / SMS_WEBHOOK_URL', function () {
    let smtp: SmtpCapture
    let sms: SmsReceiver
    before(async function () {
      smtp = await startSmtpCapture()
      sms = await startSmsReceiver()
    })
    after(async function () {
      await smtp?.close()
      await sms?.close()
    })

    it('SMTP_URL sends email through SmtpMailer, from "<project>" <no-reply@localhost> by default', async function () {
      const { example, logs } = build({ SMTP_URL: smtp.url, ACCOUNTS_PROJECT: 'shop' })
      assert.equal(example.delivery.email, 'smtp')
      assert.equal(example.accounts.options.mailer?.constructor.name, 'SmtpMailer')
      const email = uniqueEmail('smtp')
      await request(example.app).post('/v1/account/tokens/magic-url').set('X-Appwrite-Project', 'shop').send({ userId: 'unique()', email }).expect(201)
      const mail = await smtp.next(email)
      assert.equal(mail.from, '"shop" <no-reply@localhost>')
      const link = extractLink(mail.text)
      assert.equal(link.origin + link.pathname, 'http://localhost:3000/magic')
      assert.equal(link.searchParams.get('project'), 'shop')
      assert.deepEqual(logs, [], 'nothing printed')
    })

    it('SMTP_FROM sets the sender', async function () {
      const { example } = build({ SMTP_URL: smtp.url, SMTP_FROM: '"Shop" <hello@shop.example>' })
      const email = uniqueEmail('from')
      await request(example.app).post('/v1/account/tokens/email').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', email }).expect(201)
      const mail = await smtp.next(email)
      assert.equal(mail.from, '"Shop" <hello@shop.example>')
      assert.match(extractCode(mail.text), /^\d{6}$/)
    })

    it('SMS_WEBHOOK_URL POSTs {to, body} JSON to the webhook; the code signs in', async function () {
      const { example, logs } = build({ SMS_WEBHOOK_URL: sms.url })
      assert.deepEqual(example.delivery, { email: 'console', sms: 'webhook' })
      assert.equal(example.accounts.options.sms?.constructor.name, 'WebhookSmsSender')
      const phone = '+14155552672'
      const res = await request(example.app).post('/v1/account/tokens/phone').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', phone }).expect(201)
      const received = await sms.next(phone)
      assert.deepEqual(Object.keys(received.json).sort(), ['body', 'to'])
      const code = extractCode(received.body)
      await request(example.app).put('/v1/account/sessions/phone').set('X-Appwrite-Project', 'demo').send({ userId: res.body.userId, secret: code }).expect(201)
      assert.deepEqual(logs, [], 'nothing printed')
    })
  })

  it('bad SMTP_URL / SMS_WEBHOOK_URL stop the boot naming the variable, without echoing the URL', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, SMTP_URL: 'https://user:hunter2secret@mail.example.com' }), (err: Error) => {
      assert.equal(err.name, 'ExampleConfigError')
      assert.match(err.message, /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/)
      assert.ok(!err.message.includes('hunter2secret'), 'the password is not echoed')
      return true
    })
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, SMTP_URL: 'not a url' }), { name: 'ExampleConfigError', message: /^SMTP_URL must be/ })
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, SMS_WEBHOOK_URL: 'ftp://gateway.example.com/?key=k3y-s3cret' }), (err: Error) => {
      assert.equal(err.name, 'ExampleConfigError')
      assert.match(err.message, /^SMS_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/)
      assert.ok(!err.message.includes('k3y-s3cret'))
      return true
    })
  })

  it('ACCOUNTS_REDIRECT_ORIGINS (comma-separated) sets allowedRedirectOrigins, besides the app origin and loopback', async function () {
    const { example } = build({ ACCOUNTS_REDIRECT_ORIGINS: ' https://app.example.com , https://admin.example.com:8443/,,https://app.example.com' })
    assert.deepEqual(example.accounts.options.allowedRedirectOrigins, ['https://app.example.com', 'https://admin.example.com:8443', 'http://localhost:3000'])
    const ask = (url: string) =>
      request(example.app).post('/v1/account/tokens/magic-url').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', email: uniqueEmail('redirect'), url })
    await ask('https://app.example.com/magic').expect(201)
    await ask('https://admin.example.com:8443/magic').expect(201)
    await ask('http://127.0.0.1:9999/magic').expect(201)
    const refused = await ask('https://evil.example.com/magic').expect(400)
    assert.equal(refused.body.type, 'general_argument_invalid')
    await ask('javascript:alert(1)').expect(400)
    await ask('app.example.com/magic').expect(400)
  })

  for (const bad of ['app.example.com', 'ftp://files.example.com', 'https://app.example.com/path', 'https://user:pw@app.example.com', 'https://app.example.com?x=1', 'javascript:alert(1)']) {
    it(`ACCOUNTS_REDIRECT_ORIGINS=${JSON.stringify(bad)} stops the boot naming the variable`, function () {
      assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, ACCOUNTS_REDIRECT_ORIGINS: `https://ok.example.com,${bad}` }), {
        name: 'ExampleConfigError',
        message: /^ACCOUNTS_REDIRECT_ORIGINS must be a comma-separated list of origins .* is not one$/,
      })
    })
  }

  it('an empty ACCOUNTS_REDIRECT_ORIGINS is unset', async function () {
    const { example } = build({ ACCOUNTS_REDIRECT_ORIGINS: ' , ' })
    assert.deepEqual(example.accounts.options.allowedRedirectOrigins, ['http://localhost:3000'])
  })

  it('PUBLIC_URL: magic links land on <PUBLIC_URL>/magic, and that origin is an allowed redirect origin', async function () {
    const { example } = build({ PUBLIC_URL: 'https://shop.example.com/' })
    assert.equal(example.magicUrl, 'https://shop.example.com/magic')
    assert.deepEqual(example.accounts.options.allowedRedirectOrigins, ['https://shop.example.com'])
    await request(example.app).post('/v1/account/tokens/magic-url').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', email: uniqueEmail('public') }).expect(201)
  })

  it('PORT sets the default public origin; PORT=0 leaves magic links without a default url', async function () {
    assert.equal(build({ PORT: '4000' }).example.magicUrl, 'http://localhost:4000/magic')
    const { example } = build({ PORT: '0' })
    assert.equal(example.magicUrl, null)
    assert.equal(example.accounts.options.magicUrl, null)
    const res = await request(example.app).post('/v1/account/tokens/magic-url').set('X-Appwrite-Project', 'demo').send({ userId: 'unique()', email: uniqueEmail('port0') }).expect(400)
    assert.equal(res.body.message, 'Param "url" is not optional.')
  })

  it('a bad PUBLIC_URL or PORT stops the boot naming the variable', function () {
    for (const bad of ['shop.example.com', 'https://shop.example.com/app', 'ftp://shop.example.com']) {
      assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, PUBLIC_URL: bad }), { name: 'ExampleConfigError', message: /^PUBLIC_URL must be the origin/ })
    }
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, PORT: 'eighty' }), { name: 'ExampleConfigError', message: /^PORT must be an integer/ })
  })
})

/** The `<script>` elements of a page, as written. */
function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>[\s\S]*?<\/script>/g)].map((m) => m[0])
}

describe('example app: pages, assets and the /magic landing page', function () {
  let example: Example
  before(function () {
    example = exampleWithLogs({ ACCOUNTS_PROJECT: 'shop' }).example
  })
  after(async function () {
    await example.close()
  })

  it('GET /magic: a page whose script (Appwrite web SDK) trades userId + secret, with no-store, no-referrer and the CSP', async function () {
    const res = await request(example.app).get('/magic').expect(200).expect('Content-Type', /text\/html/)
    assert.equal(res.headers['cache-control'], 'no-store')
    assert.equal(res.headers['referrer-policy'], 'no-referrer')
    assert.match(res.headers['content-security-policy'], /^default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'$/)
    assert.deepEqual(scriptTags(res.text), [
      '<script src="/vendor/appwrite.js" defer></script>',
      '<script type="module" src="/assets/pages/magic.js"></script>',
      '<script type="application/json" id="page-config">{"project":"shop"}</script>',
    ])
    const script = await request(example.app).get('/assets/pages/magic.js').expect(200).expect('Content-Type', /javascript/)
    assert.match(script.text, /account\.createSession\(\{ userId, secret \}\)/)
    assert.match(script.text, /finishSignIn\(\)/, 'a gated session goes on to the challenge')
  })

  it('GET /magic reflects nothing from the query', async function () {
    const res = await request(example.app)
      .get('/magic')
      .query({ userId: '<script>alert(1)</script>', secret: '"><img src=x onerror=alert(2)>', expire: "';alert(3)//", project: '</script><script>alert(4)</script>' })
      .expect(200)
    for (const needle of ['alert(1)', 'alert(2)', 'alert(3)', 'alert(4)', '<img']) assert.ok(!res.text.includes(needle), `${needle} reflected`)
    assert.equal(scriptTags(res.text).length, 3, 'only the page’s own scripts')
  })

  it('serves the SDK (the appwrite package’s browser build) and the stylesheet', async function () {
    const sdk = await request(example.app).get('/vendor/appwrite.js').expect(200).expect('Content-Type', /javascript/)
    assert.match(sdk.text, /this\.Appwrite = this\.Appwrite \|\| \{\}/)
    await request(example.app).get('/assets/app.css').expect(200).expect('Content-Type', /text\/css/)
    await request(example.app).get('/assets/nope.js').expect(404)
  })

  it('GET / is the sign-in page: password form, and links to the code, link and SMS pages; the link page asks for <origin>/magic', async function () {
    const res = await request(example.app).get('/').expect(200)
    assert.match(res.text, /<form id="password-form">/)
    for (const path of ['/sign-in/code', '/sign-in/link', '/sign-in/phone', '/sign-up', '/forgot-password']) assert.ok(res.text.includes(`href="${path}"`), path)
    const link = await request(example.app).get('/sign-in/link').expect(200)
    assert.match(link.text, /server console/, 'says where console delivery prints the link')
    const script = await request(example.app).get('/assets/pages/magic-link.js').expect(200)
    assert.match(script.text, /account\.createMagicURLToken\(\{ userId: ID\.unique\(\), email, url: `\$\{location\.origin\}\/magic` \}\)/)
  })

  it('guards: a guest is sent from the account pages to /, a signed-in browser from the sign-in pages to /account', async function () {
    for (const path of ['/account', '/sessions', '/security-log', '/mfa', '/mfa/challenge']) {
      const res = await request(example.app).get(path).expect(302)
      assert.equal(res.headers.location, '/', path)
    }
    for (const path of ['/', '/sign-up', '/sign-in/code', '/sign-in/link', '/sign-in/phone', '/forgot-password', '/magic', '/reset-password', '/verify-email', '/developers']) {
      await request(example.app).get(path).expect(200)
    }
    const session = await request(example.app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Project', 'shop').expect(201)
    const cookie = sessionCookie(session, 'shop')
    for (const path of ['/', '/sign-up', '/sign-in/code', '/forgot-password']) {
      const res = await request(example.app).get(path).set('Cookie', cookie).expect(302)
      assert.equal(res.headers.location, '/account', path)
    }
    const account = await request(example.app).get('/account').set('Cookie', cookie).expect(200)
    assert.match(account.text, /<span class="user-name" data-user-name>Guest account<\/span>/)
    // The security log: a menu entry, its page, its script (the web SDK's listLogs) and the API it reads.
    assert.ok(account.text.includes('href="/security-log"'), 'the menu links the security log')
    const log = await request(example.app).get('/security-log').set('Cookie', cookie).expect(200)
    assert.match(log.text, /<tbody id="logs">/)
    assert.match((await request(example.app).get('/assets/pages/security-log.js').expect(200)).text, /account\.listLogs\(/)
    const logs = await request(example.app).get('/v1/account/logs').set('X-Appwrite-Project', 'shop').set('Cookie', cookie).expect(200)
    assert.deepEqual(logs.body.logs.map((l: { event: string }) => l.event), ['session.create.anonymous', 'user.create'])
    // A forged or revoked cookie is a guest.
    await request(example.app).get('/account').set('Cookie', 'a_session_shop=eyJpZCI6Im5vYm9keSIsInNlY3JldCI6ImZmIn0=').expect(302)
  })

  it('scriptJson keeps values from closing the script element', function () {
    const out = scriptJson('</script><!--x\u2028y&')
    assert.ok(!/[<>&\u2028]/.test(out))
    assert.equal(JSON.parse(out), '</script><!--x\u2028y&')
  })
})

describe('example app: magic link end to end (SMTP_URL → smtp-capture, real HTTP server)', function () {
  let smtp: SmtpCapture
  let example: Example
  let origin: string
  let close: () => Promise<void>

  before(async function () {
    smtp = await startSmtpCapture()
    example = exampleWithLogs({ SMTP_URL: smtp.url }).example
    const server = createServer(example.app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    close = () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  })
  after(async function () {
    await close?.()
    await example?.close()
    await smtp?.close()
  })

  it('what the link page sends → mailed link → /magic → POST /v1/account/sessions/token → cookie → GET /api/me 200 and /account 200', async function () {
    const email = uniqueEmail('e2e')
    // What public/pages/magic-link.js sends (createMagicURLToken from a page on this origin).
    const sent = await fetch(`${origin}/v1/account/tokens/magic-url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'demo', origin },
      body: JSON.stringify({ userId: 'unique()', email, url: `${origin}/magic` }),
    })
    assert.equal(sent.status, 201)
    const link = extractLink((await smtp.next(email)).text)
    assert.equal(link.origin + link.pathname, `${origin}/magic`)
    assert.equal(link.searchParams.get('project'), 'demo')
    const userId = link.searchParams.get('userId') ?? ''
    const secret = link.searchParams.get('secret') ?? ''

    const landing = await fetch(link)
    assert.equal(landing.status, 200)
    assert.match(await landing.text(), /\/assets\/pages\/magic\.js/)

    // What the page's script sends (account.createSession).
    const res = await fetch(`${origin}/v1/account/sessions/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'demo', origin },
      body: JSON.stringify({ userId, secret }),
    })
    assert.equal(res.status, 201)
    const session = (await res.json()) as { userId: string; provider: string; secret: string }
    assert.deepEqual([session.userId, session.provider, session.secret], [userId, 'magic-url', ''])
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('a_session_demo='))
    assert.ok(cookie, 'session cookie set')
    assert.equal(res.headers.get('x-fallback-cookies'), null, 'a page on the same origin keeps the session in the cookie only')

    const me = await fetch(`${origin}/api/me`, { headers: { cookie } })
    assert.equal(me.status, 200)
    const account = (await me.json()) as { $id: string; email: string; emailVerification: boolean }
    assert.deepEqual([account.$id, account.email, account.emailVerification], [userId, email, true])
    assert.equal((await fetch(`${origin}/account`, { headers: { cookie }, redirect: 'manual' })).status, 200)

    // The link is single use.
    const again = await fetch(`${origin}/v1/account/sessions/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'demo', origin },
      body: JSON.stringify({ userId, secret }),
    })
    assert.equal(again.status, 401)
  })
})

describe('npm start (npx tsx example/server.ts)', function () {
  this.timeout(60_000)
  let child: ChildProcess | undefined
  let output = ''

  /** Starts the server on a free port (PORT=0) and resolves with the origin it prints. */
  async function start(extraEnv: Record<string, string>): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ACCOUNTS_PROJECT: '', ACCOUNTS_API_KEY: '', ACCOUNTS_SECRET: SECRET, REDIS_URL: '', TRUST_PROXY: '', ...extraEnv }
    output = ''
    // Its own process group, so the kill below reaches npx, tsx and the node it starts.
    child = spawn('npx', ['tsx', 'example/server.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const proc = child
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    const deadline = Date.now() + 45_000
    while (Date.now() < deadline) {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(output)
      // The banner ends with the oauth2 line(s); it is written at once, but wait for it anyway.
      if (m && /\n {2}oauth2 /.test(output)) return m[1]
      if (proc.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`example server did not start:\n${output}`)
  }

  /** SIGTERM to the group; resolves with the server's output once it has exited. */
  async function stop(): Promise<string> {
    const proc = child
    child = undefined
    if (!proc?.pid || proc.exitCode !== null) return output
    // 'close', not 'exit': npx may exit on the signal before the server it started has written
    // its goodbye; the pipes close only once every process holding them (the server too) is gone.
    const exited = once(proc, 'close')
    process.kill(-proc.pid, 'SIGTERM')
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 15_000)
    await exited
    clearTimeout(timer)
    return output
  }

  afterEach(async function () {
    await stop()
  })

  it('serves /v1/account: a guest gets 401 general_unauthorized_scope JSON, and SIGTERM closes it', async function () {
    const origin = await start({})
    const res = await fetch(`${origin}/v1/account`, { headers: { 'X-Appwrite-Project': 'demo' } })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('content-type') ?? '', /application\/json/)
    const body = (await res.json()) as { type: string; code: number }
    assert.equal(body.type, 'general_unauthorized_scope')
    assert.equal(body.code, 401)
    assert.match(output, /store +MemoryStore/)
    assert.match(output, /email +console: codes and links are printed here/)
    assert.match(output, /sms +console/)
    assert.match(output, /magic links +no default \(PORT=0 and no PUBLIC_URL\)/)
    assert.match(output, /oauth2 +none \(set OAUTH2_PROVIDERS/)
    assert.match(output, /trust proxy +off: req\.ip is the connecting address \(set TRUST_PROXY behind a reverse proxy\)/)
    const log = await stop()
    assert.match(log, /SIGTERM received, closing/)
    assert.match(log, /example: closed/)
  })

  it('OAUTH2_PROVIDERS: the banner lists each provider and the callback URL to register', async function () {
    const origin = await start({
      PUBLIC_URL: 'https://shop.example.com',
      OAUTH2_PROVIDERS: 'github,corp-sso',
      OAUTH2_GITHUB_CLIENT_ID: 'gh-id',
      OAUTH2_GITHUB_CLIENT_SECRET: 'gh-secret-value',
      OAUTH2_CORP_SSO_CLIENT_ID: 'corp-id',
      OAUTH2_CORP_SSO_CLIENT_SECRET: 'corp-secret-value',
      // Discovery waits for the first sign-in: nothing is fetched at boot.
      OAUTH2_CORP_SSO_ISSUER: 'https://sso.corp.example',
    })
    assert.match(output, /oauth2 +github, corp-sso; callback URLs to register at the providers:/)
    assert.match(output, /\n {4}github +https:\/\/shop\.example\.com\/v1\/account\/sessions\/oauth2\/callback\/github\n/)
    assert.match(output, /\n {4}corp-sso +https:\/\/shop\.example\.com\/v1\/account\/sessions\/oauth2\/callback\/corp-sso\n/)
    assert.ok(!output.includes('secret-value'), 'no client secret in the banner')
    const page = await (await fetch(`${origin}/`)).text()
    assert.match(page, /Sign in with corp-sso<\/a>/)
  })

  it('with REDIS_URL it runs on RedisStore', async function () {
    const url = process.env.REDIS_URL
    if (!url) {
      if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but no Redis is available')
      this.skip()
    }
    const origin = await start({ REDIS_URL: url, ACCOUNTS_PROJECT: 'example-redis' })
    // A well-formed but unknown session makes the server read Redis (one MGET) and answer as to a guest.
    const forged = Buffer.from(JSON.stringify({ id: 'nobody', secret: 'f'.repeat(64) })).toString('base64')
    const res = await fetch(`${origin}/v1/account`, { headers: { 'X-Appwrite-Project': 'example-redis', 'X-Appwrite-Session': forged } })
    assert.equal(res.status, 401)
    assert.equal(((await res.json()) as { type: string }).type, 'general_unauthorized_scope')
    assert.match(output, /store +RedisStore/)
    assert.match(await stop(), /example: closed/)
  })

  it('a short ACCOUNTS_API_KEY stops the boot with one clear line', async function () {
    const proc = spawn('npx', ['tsx', 'example/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', ACCOUNTS_API_KEY: 'short', ACCOUNTS_SECRET: SECRET, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const [code] = (await once(proc, 'exit')) as [number | null]
    assert.equal(code, 1)
    assert.match(err, /example: ACCOUNTS_API_KEY must be at least 16 characters/)
    assert.doesNotMatch(err, /\n\s+at /, 'no stack trace')
  })
})
