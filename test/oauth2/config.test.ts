/**
 * Provider configuration: option checks, the callback URL we register (derived from the
 * request, `trust proxy`, the mount path, or the `callbackUrl` option), discovery (lazy,
 * retried after a failure, cached after success) and preset scopes.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import express from 'express'
import request from 'supertest'
import { createAccounts } from '../../lib/express-accounts.js'
import { PROJECT, SECRET } from '../support/app.js'
import {
  APP_ORIGIN, CLIENT_ID, CLIENT_SECRET, FAILURE, get, listen, location, MockProvider, providerOptions, providerUser, runFlow, setCookie, startApp, SUCCESS,
  type RunningApp,
} from './support.js'

const q = `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`
const base = { project: PROJECT, secret: SECRET, bcryptCost: 4, rateLimits: false as const }

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

describe('OAuth2 provider configuration', () => {
  let p: MockProvider

  before(async () => {
    p = await MockProvider.start()
  })
  after(async () => {
    await p.stop()
  })

  describe('option checks (TypeErrors at createAccounts)', () => {
    const make = (oauth2: unknown) => () => createAccounts({ ...base, oauth2: oauth2 as never })

    it('a generic provider needs issuer or all three endpoint URLs', () => {
      assert.throws(make({ corp: { clientId: 'a', clientSecret: 'b' } }), /options\.oauth2\.corp: 'corp' has no preset; give issuer/)
      assert.throws(make({ corp: { clientId: 'a', clientSecret: 'b', authorizationUrl: 'https://x/a', tokenUrl: 'https://x/t' } }), /has no preset/)
    })

    it('clientId / clientSecret are required; URLs must be absolute http(s); scopes an array; names a-z0-9_-', () => {
      assert.throws(make({ github: { clientId: 'a' } }), /options\.oauth2\.github\.clientSecret must be a non-empty string/)
      assert.throws(make({ github: { clientId: '', clientSecret: 'b' } }), /options\.oauth2\.github\.clientId/)
      assert.throws(make({ github: { clientId: 'a', clientSecret: 'b', tokenUrl: 'ftp://x/t' } }), /options\.oauth2\.github\.tokenUrl must be an absolute http\(s\) URL/)
      assert.throws(make({ github: { clientId: 'a', clientSecret: 'b', callbackUrl: '/relative' } }), /callbackUrl must be an absolute http\(s\) URL/)
      assert.throws(make({ github: { clientId: 'a', clientSecret: 'b', scopes: 'repo' } }), /scopes must be an array of strings/)
      assert.throws(make({ 'Bad Name': { clientId: 'a', clientSecret: 'b', issuer: 'https://x' } }), /provider names are 1–32 chars/)
      assert.throws(make([]), /options\.oauth2 must be an object/)
    })

    it('every preset needs only clientId and clientSecret', () => {
      const accounts = createAccounts({ ...base, oauth2: Object.fromEntries(['github', 'google', 'gitlab', 'discord', 'microsoft'].map((n) => [n, { clientId: 'a', clientSecret: 'b' }])) })
      assert.deepEqual(accounts.oauth2.names, ['github', 'google', 'gitlab', 'discord', 'microsoft'])
    })
  })

  describe('presets point at the real providers', () => {
    let t: RunningApp
    before(async () => {
      t = await startApp(p, {
        oauth2: {
          ...providerOptions(p),
          github: { clientId: 'gh', clientSecret: 's' },
          gitlab: { clientId: 'gl', clientSecret: 's', scopes: ['read_user'] },
          discord: { clientId: 'dc', clientSecret: 's' },
          microsoft: { clientId: 'ms', clientSecret: 's' },
        },
      })
    })
    after(async () => {
      await t.close()
    })

    for (const [name, authorize, scope] of [
      ['github', 'https://github.com/login/oauth/authorize', 'read:user user:email'],
      ['gitlab', 'https://gitlab.com/oauth/authorize', 'read_user'],
      ['discord', 'https://discord.com/oauth2/authorize', 'identify email'],
      ['microsoft', 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize', 'openid email profile offline_access'],
    ] as const) {
      it(`${name}: 302 to ${new URL(authorize).host} with its default scopes (or the configured ones), PKCE and state`, async () => {
        const loc = location(await get(`${t.endpoint}/account/sessions/oauth2/${name}?${q}`))
        assert.equal(`${loc.origin}${loc.pathname}`, authorize)
        assert.equal(loc.searchParams.get('scope'), scope)
        assert.equal(loc.searchParams.get('code_challenge_method'), 'S256')
        assert.ok(loc.searchParams.get('state'))
        assert.equal(loc.searchParams.get('redirect_uri'), `${t.endpoint}/account/sessions/oauth2/callback/${name}`)
      })
    }
  })

  describe('the callback URL to register', () => {
    it('the provider option callbackUrl wins (authorize and token exchange use it)', async () => {
      const registered = 'https://api.example.com/v1/account/sessions/oauth2/callback/mock'
      const t = await startApp(p, { oauth2: { mock: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: p.issuer, callbackUrl: registered } } })
      try {
        const authorize = location(await get(`${t.endpoint}/account/sessions/oauth2/mock?${q}`))
        assert.equal(authorize.searchParams.get('redirect_uri'), registered)
        p.user = providerUser('callback-option')
        const callback = location(await get(authorize.href))
        assert.equal(callback.origin + callback.pathname, registered)
        // The browser would come back to api.example.com; deliver it to our server instead.
        const seen = p.tokenRequests.length
        const final = await get(`${t.origin}${callback.pathname}${callback.search}`)
        assert.equal(location(final).href, SUCCESS)
        assert.equal(p.tokenRequests.slice(seen)[0]!.redirect_uri, registered)
      } finally {
        await t.close()
      }
    })

    it("behind a proxy that keeps the Host header: trust proxy + X-Forwarded-Proto make an https callback URL", async () => {
      const t = await startApp(p)
      try {
        const path = `/v1/account/sessions/oauth2/mock?${q}`
        const untrusted = await request(t.app).get(path).set('Host', 'api.example.com').set('X-Forwarded-Proto', 'https').expect(302)
        assert.equal(new URL(untrusted.headers.location as string).searchParams.get('redirect_uri'), 'http://api.example.com/v1/account/sessions/oauth2/callback/mock', 'X-Forwarded-Proto ignored without trust proxy')
        t.app.set('trust proxy', 'loopback')
        const trusted = await request(t.app).get(path).set('Host', 'api.example.com').set('X-Forwarded-Proto', 'https').expect(302)
        assert.equal(new URL(trusted.headers.location as string).searchParams.get('redirect_uri'), 'https://api.example.com/v1/account/sessions/oauth2/callback/mock')
      } finally {
        await t.close()
      }
    })

    it('behind a proxy that sets X-Forwarded-Host (trust proxy on): the forwarded host makes the callback URL', async () => {
      const t = await startApp(p)
      try {
        const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.com' }
        const untrusted = location(await get(`${t.endpoint}/account/sessions/oauth2/mock?${q}`, forwarded))
        assert.equal(untrusted.searchParams.get('redirect_uri'), `${t.endpoint}/account/sessions/oauth2/callback/mock`, 'ignored without trust proxy')
        t.app.set('trust proxy', 'loopback')
        // Express' req.host honours X-Forwarded-Host under trust proxy; the raw Host header does not.
        const trusted = location(await get(`${t.endpoint}/account/sessions/oauth2/mock?${q}`, forwarded))
        assert.equal(trusted.searchParams.get('redirect_uri'), 'https://api.example.com/v1/account/sessions/oauth2/callback/mock')
      } finally {
        await t.close()
      }
    })

    it('the mount path is part of it (router at /api/v2)', async () => {
      const accounts = createAccounts({ ...base, allowedRedirectOrigins: [APP_ORIGIN], oauth2: providerOptions(p) })
      const app = express()
      app.use('/api/v2', accounts.router())
      const t = await listen(app, accounts)
      try {
        p.user = providerUser('mounted')
        const flow = await runFlow(`${t.origin}/api/v2/account/sessions/oauth2/mock?${q}`)
        assert.equal(flow.authorize.searchParams.get('redirect_uri'), `${t.origin}/api/v2/account/sessions/oauth2/callback/mock`)
        assert.equal(location(flow.final).href, SUCCESS)
        assert.ok(setCookie(flow.final))
      } finally {
        await t.close()
      }
    })
  })

  describe('discovery', () => {
    /** An issuer whose discovery document answers 503 while `down`, else points at the mock. */
    let issuer: Server
    let issuerUrl: string
    let down = true
    let hits = 0

    before(async () => {
      issuer = createServer((req, res) => {
        hits += 1
        if (down || req.url !== '/.well-known/openid-configuration') {
          res.statusCode = 503
          return res.end()
        }
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify({ issuer: issuerUrl, authorization_endpoint: `${p.issuer}/authorize`, token_endpoint: `${p.issuer}/token`, userinfo_endpoint: `${p.issuer}/userinfo` }))
      })
      await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve))
      issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`
    })
    after(async () => {
      issuer.closeAllConnections()
      await new Promise<void>((resolve) => issuer.close(() => resolve()))
    })

    it('a failed discovery is an error at the start route, retried on the next request, cached once it works', async () => {
      down = true
      // While the issuer is down, a rejection may escape from createAccounts (see the
      // "does not crash" test below): keep it away from mocha for this test.
      const saved = process.listeners('unhandledRejection')
      process.removeAllListeners('unhandledRejection')
      process.on('unhandledRejection', () => undefined)
      const quiet = console.error
      console.error = () => undefined
      let t: RunningApp | undefined
      try {
        t = await startApp(p, { oauth2: { corp: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: issuerUrl } } })
        const failed = await get(`${t.endpoint}/account/sessions/oauth2/corp?${q}`, { Accept: 'application/json' })
        assert.ok(failed.status >= 500, `5xx while the issuer is down (${failed.status})`)
        assert.equal(failed.headers.get('location'), null)
        await new Promise((resolve) => setTimeout(resolve, 50))
      } finally {
        console.error = quiet
        process.removeAllListeners('unhandledRejection')
        for (const l of saved) process.on('unhandledRejection', l)
      }
      try {
        down = false
        p.user = providerUser('discovered')
        const flow = await runFlow(`${t.endpoint}/account/sessions/oauth2/corp?${q}`)
        assert.equal(`${flow.authorize.origin}${flow.authorize.pathname}`, `${p.issuer}/authorize`)
        assert.equal(location(flow.final).href, SUCCESS)
        const before = hits
        location(await get(`${t.endpoint}/account/sessions/oauth2/corp?${q}`))
        assert.equal(hits, before, 'the discovery document is not fetched again')
      } finally {
        await t.close()
      }
    })

    it('issuer discovery with an endpoint override: the override wins, the rest is discovered', async () => {
      down = false
      const t = await startApp(p, { oauth2: { corp: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: issuerUrl, authorizationUrl: `${p.issuer}/authorize?tenant=acme` } } })
      try {
        p.user = providerUser('override')
        const flow = await runFlow(`${t.endpoint}/account/sessions/oauth2/corp?${q}`)
        assert.equal(flow.authorize.searchParams.get('tenant'), 'acme')
        assert.equal(location(flow.final).href, SUCCESS)
      } finally {
        await t.close()
      }
    })

    it('an issuer that is unreachable when the app starts does not crash the process', async function () {
      this.timeout(30_000)
      const port = await closedPort()
      const lib = pathToFileURL(new URL('../../lib/index.ts', import.meta.url).pathname).href
      const script = `
        const { createAccounts } = await import(${JSON.stringify(lib)});
        createAccounts({ project: 'p', secret: 'x'.repeat(32), oauth2: { corp: { clientId: 'a', clientSecret: 'b', issuer: 'http://127.0.0.1:${port}' } } });
        setTimeout(() => { console.log('alive'); process.exit(0) }, 1500);
      `
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      assert.equal(code, 0, `the process died (exit ${code}): ${err.split('\n').slice(0, 6).join('\n')}`)
      assert.match(out, /alive/)
    })
  })
})
