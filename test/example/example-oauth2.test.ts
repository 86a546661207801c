/**
 * The example app's OAuth2 sign-in: OAUTH2_PROVIDERS / OAUTH2_<NAME>_* parsing and errors, the
 * start page's "Sign in with <provider>" links and callback URLs, and the whole round trip
 * against a real authorization server on loopback (oauth2-mock-server).
 */
import assert from 'node:assert/strict'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { createExampleApp, type Example, type ExampleEnv } from '../../example/app.js'
import { inEnvTerms } from '../../example/config.js'
import { oauth2Setting } from '../../example/oauth2.js'
import { signInPage } from '../../example/auth-pages.js'
import { developersPage } from '../../example/developers-page.js'
import { CLIENT_ID, CLIENT_SECRET, get, location, MockProvider, providerUser, setCookie } from '../oauth2/support.js'

const SECRET = 'example-test-secret-at-least-32-bytes!'
const CLIENT_SECRET_VALUE = 'sup3r-s3cret-client-value'
const GITHUB = { OAUTH2_PROVIDERS: 'github', OAUTH2_GITHUB_CLIENT_ID: 'gh-id', OAUTH2_GITHUB_CLIENT_SECRET: CLIENT_SECRET_VALUE }
const CALLBACK = '/v1/account/sessions/oauth2/callback'

/** `oauth2Setting()` on `env`, with the warnings it gave. */
function parse(env: ExampleEnv, publicOrigin: string | null = 'http://localhost:3000') {
  const warnings: string[] = []
  return { ...oauth2Setting(env, publicOrigin, (m) => warnings.push(m)), warnings }
}

/** Asserts `env` stops the boot with an ExampleConfigError matching `message`, never echoing a client secret. */
function refuses(env: ExampleEnv, message: RegExp): void {
  assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, ...env }), (err: Error) => {
    assert.equal(err.name, 'ExampleConfigError')
    assert.match(err.message, message)
    assert.ok(!err.message.includes(CLIENT_SECRET_VALUE), 'the client secret is not echoed')
    return true
  })
}

const unescapeHtml = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/** The raw (escaped) href of the "Sign in with <label>" link of `provider`. */
function buttonHref(html: string, provider: string, label = provider): string {
  const m = new RegExp(`<a class="btn btn-secondary" href="([^"]*)" data-oauth2="${provider}">(?:<svg[^]*?</svg>)Sign in with ${label}</a>`).exec(html)
  assert.ok(m, `a "Sign in with ${label}" link`)
  return m[1]
}

describe('example app: OAuth2 configuration (OAUTH2_PROVIDERS, OAUTH2_<NAME>_*)', function () {
  it('unset or empty: no providers, no warning', async function () {
    assert.deepEqual(parse({}), { providers: [], options: {}, warnings: [] })
    assert.deepEqual(parse({ OAUTH2_PROVIDERS: ' , ' }).providers, [])
    const example = createExampleApp({ ACCOUNTS_SECRET: SECRET })
    assert.deepEqual([example.oauth2Providers, example.accounts.options.oauth2], [[], {}])
    await example.close()
  })

  it('presets need only the client id and secret; scopes are space-separated; the callback URL is pinned to PUBLIC_URL', async function () {
    const env = { ...GITHUB, OAUTH2_PROVIDERS: ' github , Google,,github', OAUTH2_GOOGLE_CLIENT_ID: 'g-id', OAUTH2_GOOGLE_CLIENT_SECRET: 'g-secret', OAUTH2_GOOGLE_SCOPES: ' openid  email\tprofile ' }
    const { providers, options, warnings } = parse(env, 'https://shop.example.com')
    assert.deepEqual(providers, ['github', 'google'])
    assert.deepEqual(options, {
      github: { clientId: 'gh-id', clientSecret: CLIENT_SECRET_VALUE, callbackUrl: `https://shop.example.com${CALLBACK}/github` },
      google: { clientId: 'g-id', clientSecret: 'g-secret', scopes: ['openid', 'email', 'profile'], callbackUrl: `https://shop.example.com${CALLBACK}/google` },
    })
    assert.deepEqual(warnings, [])
    // createAccounts() receives them.
    const example = createExampleApp({ ACCOUNTS_SECRET: SECRET, PUBLIC_URL: 'https://shop.example.com', ...env })
    assert.deepEqual(example.oauth2Providers, ['github', 'google'])
    assert.deepEqual(example.accounts.options.oauth2, options)
    await example.close()
  })

  it('a name of its own reads OAUTH2_<NAME>_* (upper-cased, - → _) and needs an issuer; PORT=0 leaves the callback to the request', function () {
    const { options } = parse({ OAUTH2_PROVIDERS: 'my-idp', OAUTH2_MY_IDP_CLIENT_ID: 'id', OAUTH2_MY_IDP_CLIENT_SECRET: 's', OAUTH2_MY_IDP_ISSUER: 'https://sso.corp.example/realms/x' }, null)
    assert.deepEqual(options, { 'my-idp': { clientId: 'id', clientSecret: 's', issuer: 'https://sso.corp.example/realms/x' } })
  })

  it('variables of providers that are not listed get a warning', function () {
    const { warnings } = parse({ ...GITHUB, OAUTH2_GITLAB_CLIENT_ID: 'x', OAUTH2_GITLAB_SCOPES: '', OAUTH2_MY_IDP_ISSUER: 'https://sso.example' })
    assert.deepEqual(warnings, [
      'example: OAUTH2_GITLAB_CLIENT_ID is set, but no provider in OAUTH2_PROVIDERS reads it (listed: github); it is ignored.',
      'example: OAUTH2_MY_IDP_ISSUER is set, but no provider in OAUTH2_PROVIDERS reads it (listed: github); it is ignored.',
    ])
  })

  it('a bad provider name, or two names sharing one prefix, stops the boot naming OAUTH2_PROVIDERS', function () {
    for (const bad of ['git hub', 'corp/sso', '-corp', 'x'.repeat(33), 'gïthub']) {
      refuses({ OAUTH2_PROVIDERS: `github,${bad}` }, /^OAUTH2_PROVIDERS must be a comma-separated list of provider names .* is not one$/)
    }
    refuses({ OAUTH2_PROVIDERS: 'my_idp,my-idp' }, /^OAUTH2_PROVIDERS: my_idp and my-idp would both read OAUTH2_MY_IDP_\*; rename one of them$/)
  })

  it('a missing client id or secret stops the boot naming the variable', function () {
    refuses({ ...GITHUB, OAUTH2_GITHUB_CLIENT_ID: '' }, /^OAUTH2_GITHUB_CLIENT_ID is required for the github provider \(listed in OAUTH2_PROVIDERS\)/)
    refuses({ ...GITHUB, OAUTH2_GITHUB_CLIENT_SECRET: undefined }, /^OAUTH2_GITHUB_CLIENT_SECRET is required for the github provider/)
    refuses({ OAUTH2_PROVIDERS: 'github,my-idp', OAUTH2_GITHUB_CLIENT_ID: 'id', OAUTH2_GITHUB_CLIENT_SECRET: CLIENT_SECRET_VALUE, OAUTH2_MY_IDP_ISSUER: 'https://sso.example' }, /^OAUTH2_MY_IDP_CLIENT_ID is required for the my-idp provider/)
  })

  it('issuer: required without a preset, refused for a preset, an http(s) URL without credentials (not echoed)', function () {
    const corp = { OAUTH2_PROVIDERS: 'corp', OAUTH2_CORP_CLIENT_ID: 'id', OAUTH2_CORP_CLIENT_SECRET: CLIENT_SECRET_VALUE }
    refuses(corp, /^OAUTH2_CORP_ISSUER is required for the corp provider: corp has no preset \(presets: github, google, gitlab, discord, microsoft\)/)
    for (const bad of ['sso.corp.example', 'ftp://sso.corp.example', 'https://admin:hunter2pw@sso.corp.example']) {
      assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: SECRET, ...corp, OAUTH2_CORP_ISSUER: bad }), (err: Error) => {
        assert.match(err.message, /^OAUTH2_CORP_ISSUER must be the provider's OpenID Connect issuer/)
        assert.ok(!err.message.includes(bad) && !err.message.includes(CLIENT_SECRET_VALUE))
        return true
      })
    }
    refuses({ ...GITHUB, OAUTH2_GITHUB_ISSUER: 'https://github.corp.example' }, /^OAUTH2_GITHUB_ISSUER: github is a preset with fixed endpoints.*OAUTH2_CORP_GITHUB_ISSUER\)$/)
  })

  it('scopes: RFC 6749 characters only', function () {
    refuses({ ...GITHUB, OAUTH2_GITHUB_SCOPES: 'read:user "user:email"' }, /^OAUTH2_GITHUB_SCOPES must be scopes separated by spaces/)
    assert.equal(parse({ ...GITHUB, OAUTH2_GITHUB_SCOPES: '   ' }).options.github.scopes, undefined, 'blank = the preset default')
  })

  it("the library's own option errors are reworded into the variables", function () {
    assert.equal(inEnvTerms('options.oauth2.my-idp.clientSecret must be a non-empty string'), 'OAUTH2_MY_IDP_CLIENT_SECRET must be a non-empty string')
    assert.equal(inEnvTerms("options.oauth2.corp: 'corp' has no preset"), "OAUTH2_PROVIDERS (corp): 'corp' has no preset")
  })
})

describe('example app: the sign-in and developer pages with OAuth2 providers', function () {
  const opened: Example[] = []
  const build = (env: ExampleEnv) => {
    const example = createExampleApp({ ACCOUNTS_SECRET: SECRET, ...env })
    opened.push(example)
    return example
  }
  afterEach(async function () {
    await Promise.all(opened.splice(0).map((e) => e.close()))
  })

  it('one "Sign in with <provider>" link per provider (escaped, project in the query) and the callback URL to register', async function () {
    const example = build({ ...GITHUB, OAUTH2_PROVIDERS: 'github,my-idp', OAUTH2_MY_IDP_CLIENT_ID: 'id', OAUTH2_MY_IDP_CLIENT_SECRET: 's', OAUTH2_MY_IDP_ISSUER: 'https://sso.example', ACCOUNTS_PROJECT: 'shop', PUBLIC_URL: 'https://shop.example.com' })
    const res = await request(example.app).get('/').expect(200)
    const back = encodeURIComponent('https://shop.example.com/account')
    const failure = encodeURIComponent('https://shop.example.com/?oauth2-error=1')
    assert.equal(buttonHref(res.text, 'github', 'GitHub'), `/v1/account/sessions/oauth2/github?success=${back}&#38;failure=${failure}&#38;project=shop`)
    assert.equal(buttonHref(res.text, 'my-idp'), `/v1/account/sessions/oauth2/my-idp?success=${back}&#38;failure=${failure}&#38;project=shop`)
    assert.ok(!res.text.includes(CLIENT_SECRET_VALUE), 'no client secret on the page')
    const dev = await request(example.app).get('/developers').expect(200)
    assert.match(dev.text, /<dt>GitHub<\/dt><dd><code>https:\/\/shop\.example\.com\/v1\/account\/sessions\/oauth2\/callback\/github<\/code><\/dd>/)
    assert.match(dev.text, /<dt>my-idp<\/dt><dd><code>https:\/\/shop\.example\.com\/v1\/account\/sessions\/oauth2\/callback\/my-idp<\/code><\/dd>/)
    assert.ok(!dev.text.includes(CLIENT_SECRET_VALUE), 'no client secret on the page')

    // The link works: 302 to GitHub with the pinned callback URL, whatever host the page was opened at.
    const start = await request(example.app).get(unescapeHtml(buttonHref(res.text, 'github', 'GitHub'))).expect(302)
    const authorize = new URL(start.headers.location)
    assert.equal(authorize.origin + authorize.pathname, 'https://github.com/login/oauth/authorize')
    assert.equal(authorize.searchParams.get('client_id'), 'gh-id')
    assert.equal(authorize.searchParams.get('redirect_uri'), `https://shop.example.com${CALLBACK}/github`)
  })

  it('without a known public origin the links use the page origin, escaped (a hostile Host header stays text)', async function () {
    const example = build({ ...GITHUB, PORT: '0' })
    const hostile = 'evil.example"><script>alert(1)</script>'
    for (const path of ['/', '/developers']) {
      const res = await request(example.app).get(path).set('Host', hostile).expect(200)
      assert.ok(!res.text.includes('<script>alert(1)'), `the Host header is not markup on ${path}`)
    }
    const dev = await request(example.app).get('/developers').set('Host', hostile).expect(200)
    assert.match(dev.text, /<code>http:\/\/evil\.example&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;\/v1\/account\/sessions\/oauth2\/callback\/github<\/code>/)
    const page = await request(example.app).get('/').expect(200)
    const href = new URL(unescapeHtml(buttonHref(page.text, 'github', 'GitHub')), 'http://x')
    assert.match(href.searchParams.get('success') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/account$/)
  })

  it('signInPage() and developersPage() escape every OAuth2 value they render', function () {
    const oauth2 = [{ provider: 'p<b>"', label: 'L<i>', href: '/start?a=1&b="x"', callbackUrl: 'http://h/cb?<u>' }]
    const signIn = signInPage({ oauth2 }).value
    assert.ok(signIn.includes('href="/start?a=1&#38;b=&#34;x&#34;" data-oauth2="p&#60;b&#62;&#34;">'))
    assert.ok(signIn.includes('Sign in with L&#60;i&#62;</a>'))
    const dev = developersPage({ endpoint: 'http://h/v1', project: 'demo', hasKey: false, consoleEmail: true, consoleSms: true, oauth2, passportUrl: 'http://h:3001/' }).value
    assert.ok(dev.includes('<dt>L&#60;i&#62;</dt><dd><code>http://h/cb?&#60;u&#62;</code></dd>'))
    for (const html of [signIn, dev]) assert.ok(!html.includes('<b>') && !html.includes('<i>') && !html.includes('<u>'))
  })

  it('without OAUTH2_PROVIDERS the developer page says how to configure one', async function () {
    const app = build({}).app
    const res = await request(app).get('/').expect(200)
    assert.ok(!res.text.includes('data-oauth2'))
    const dev = await request(app).get('/developers').expect(200)
    assert.match(dev.text, /No OAuth2 provider is configured\. Set <code>OAUTH2_PROVIDERS=github<\/code>/)
  })
})

for (const mode of ['PUBLIC_URL', 'PORT=0'] as const) {
  describe(`example app: OAuth2 end to end against oauth2-mock-server (${mode})`, function () {
    let provider: MockProvider
    let example: Example
    let origin: string
    let close: () => Promise<void>

    before(async function () {
      provider = await MockProvider.start()
      // Listen first: with PUBLIC_URL, the app needs its own origin.
      let handler: RequestListener = (_req, res) => res.end()
      const server = createServer((req, res) => handler(req, res))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const where = mode === 'PUBLIC_URL' ? { PUBLIC_URL: origin } : { PORT: '0' }
      example = createExampleApp({ ACCOUNTS_SECRET: SECRET, ...where, OAUTH2_PROVIDERS: 'mock', OAUTH2_MOCK_CLIENT_ID: CLIENT_ID, OAUTH2_MOCK_CLIENT_SECRET: CLIENT_SECRET, OAUTH2_MOCK_ISSUER: provider.issuer })
      handler = example.app
      close = () => new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    })
    after(async function () {
      await close?.()
      await example?.close()
      await provider?.stop()
    })

    it('button → provider → callback → cookie → back on /account signed in → GET /api/me 200', async function () {
      const user = providerUser('example')
      provider.user = user
      const html = await (await fetch(`${origin}/`)).text()
      assert.ok((await (await fetch(`${origin}/developers`)).text()).includes(`<dt>mock</dt><dd><code>${origin}${CALLBACK}/mock</code></dd>`))
      const authorize = location(await get(new URL(unescapeHtml(buttonHref(html, 'mock')), origin).href))
      assert.equal(authorize.origin + authorize.pathname, `${provider.issuer}/authorize`)
      assert.equal(authorize.searchParams.get('redirect_uri'), `${origin}${CALLBACK}/mock`)
      const callback = location(await get(authorize.href))
      assert.equal(callback.origin + callback.pathname, `${origin}${CALLBACK}/mock`)
      const final = await get(callback.href)
      assert.equal(location(final).href, `${origin}/account`)
      const value = setCookie(final, 'a_session_demo')
      assert.ok(value, 'session cookie set')
      const cookie = `a_session_demo=${encodeURIComponent(value)}`

      const me = await fetch(`${origin}/api/me`, { headers: { cookie } })
      assert.equal(me.status, 200)
      const account = (await me.json()) as { email: string; name: string; emailVerification: boolean }
      assert.deepEqual([account.email, account.name, account.emailVerification], [user.email, user.name, true])
      // The success page lets the session in; the sign-in page sends it there.
      assert.equal((await fetch(`${origin}/account`, { headers: { cookie }, redirect: 'manual' })).status, 200)
      const signIn = await fetch(`${origin}/`, { headers: { cookie }, redirect: 'manual' })
      assert.deepEqual([signIn.status, signIn.headers.get('location')], [302, '/account'])
    })

    it('a refusal at the provider comes back to /?oauth2-error=1 (the page script shows it; test/browser checks that), not reflected by the server', async function () {
      const deny = (redirect: { url: URL }) => {
        redirect.url.searchParams.delete('code')
        redirect.url.searchParams.set('error', 'access_denied')
      }
      provider.server.service.once('beforeAuthorizeRedirect', deny)
      const html = await (await fetch(`${origin}/`)).text()
      const authorize = location(await get(new URL(unescapeHtml(buttonHref(html, 'mock')), origin).href))
      const failed = location(await get(location(await get(authorize.href)).href))
      assert.equal(failed.origin + failed.pathname, `${origin}/`)
      assert.equal(failed.searchParams.get('oauth2-error'), '1')
      assert.equal(JSON.parse(failed.searchParams.get('error') ?? '{}').type, 'user_oauth2_provider_error')
      const page = await (await fetch(failed)).text()
      assert.ok(!page.includes('refused'), 'the server renders nothing from the query')
      const forged = await (await fetch(`${origin}/?oauth2-error=1&error=${encodeURIComponent('{"message":"<img src=x onerror=alert(1)>"}')}`)).text()
      assert.ok(!forged.includes('<img'))
    })
  })
}
