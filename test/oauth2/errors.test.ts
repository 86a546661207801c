/**
 * OAuth2 failure paths against the real provider: state tampering and replay, provider-side
 * errors, bad redirect targets, unknown / unconfigured providers, HTML vs JSON errors.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  FAILURE, failureError, get, location, MockProvider, providerUser, runFlow, setCookie, startApp, SUCCESS, type RunningApp,
} from './support.js'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const q = (success = SUCCESS, failure = FAILURE) => `success=${encodeURIComponent(success)}&failure=${encodeURIComponent(failure)}`

describe('OAuth2 errors (real provider on loopback)', () => {
  let p: MockProvider
  let t: RunningApp

  before(async () => {
    p = await MockProvider.start()
    t = await startApp(p)
  })
  after(async () => {
    await t.close()
    await p.stop()
  })

  const start = (provider = 'mock', query = q()) => `${t.endpoint}/account/sessions/oauth2/${provider}?${query}`

  /** Start + provider login; returns the callback URL (not yet called). */
  async function toCallback(provider = 'mock', query = q()): Promise<URL> {
    const authorize = location(await get(start(provider, query)))
    return location(await get(authorize.href))
  }

  async function jsonError(res: Response): Promise<{ type: string; code: number; message: string }> {
    assert.match(res.headers.get('content-type') ?? '', /application\/json/)
    return (await res.json()) as { type: string; code: number; message: string }
  }

  describe('state', () => {
    it('a tampered state handle (failure part kept) → 302 failure?error=<json>, no cookie', async () => {
      p.user = providerUser('tamper')
      const callback = await toCallback()
      const [, failurePart] = callback.searchParams.get('state')!.split('.')
      callback.searchParams.set('state', `${randomBytes(24).toString('base64url')}.${failurePart}`)
      const res = await get(callback.href)
      const target = location(res)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      const error = failureError(target)
      assert.equal(error.type, 'user_oauth2_bad_request')
      assert.equal(error.code, 400)
      assert.match(error.message, /state/i)
      assert.equal(setCookie(res), undefined)
    })

    it('a replayed callback (same URL twice) → the first signs in, the second goes to failure with an error json', async () => {
      p.user = providerUser('replay')
      const callback = await toCallback()
      const first = await get(callback.href)
      assert.equal(location(first).href, SUCCESS)
      assert.ok(setCookie(first))
      const second = await get(callback.href)
      const target = location(second)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      const error = failureError(target)
      assert.equal(error.type, 'user_oauth2_bad_request')
      assert.match(error.message, /already used|expired|invalid/i)
      assert.equal(setCookie(second), undefined)
    })

    it('a state minted for another provider does not complete this one', async () => {
      p.user = providerUser('cross')
      const callback = await toCallback('google')
      const res = await get(`${t.endpoint}/account/sessions/oauth2/callback/mock${callback.search}`)
      const target = location(res)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_bad_request')
      assert.equal(setCookie(res), undefined)
    })

    it('no state at all: nowhere trustworthy to go → the error is shown (400 JSON, HTML for browsers)', async () => {
      p.user = providerUser('nostate')
      const callback = await toCallback()
      callback.searchParams.delete('state')
      const res = await get(callback.href, { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal((await jsonError(res)).type, 'user_oauth2_bad_request')
      const html = await get(callback.href, { Accept: BROWSER_ACCEPT })
      assert.equal(html.status, 400)
      assert.match(html.headers.get('content-type') ?? '', /text\/html/)
      assert.match(await html.text(), /user_oauth2_bad_request/)
    })

    it('a forged state whose failure part points at a foreign host is not followed', async () => {
      p.user = providerUser('forged')
      const callback = await toCallback()
      callback.searchParams.set('state', `${randomBytes(24).toString('base64url')}.${Buffer.from('http://evil.example/steal').toString('base64url')}`)
      const res = await get(callback.href, { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal(res.headers.get('location'), null)
      assert.equal((await jsonError(res)).type, 'user_oauth2_bad_request')
    })

    it('a callback without code (and without error) → failure', async () => {
      p.user = providerUser('nocode')
      const callback = await toCallback()
      callback.searchParams.delete('code')
      const target = location(await get(callback.href))
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_bad_request')
    })
  })

  describe('provider errors', () => {
    it('?error=access_denied&state=… at the callback → failure?error=…, and the state is consumed', async () => {
      p.user = providerUser('denied')
      const callback = await toCallback()
      const denied = new URL(callback.href)
      denied.searchParams.delete('code')
      denied.searchParams.set('error', 'access_denied')
      denied.searchParams.set('error_description', 'The user said no')
      const res = await get(denied.href)
      const target = location(res)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      const error = failureError(target)
      assert.equal(error.type, 'user_oauth2_provider_error')
      assert.match(error.message, /The user said no/)
      assert.equal(setCookie(res), undefined)
      // The real code with that (now consumed) state no longer signs in.
      const late = location(await get(callback.href))
      assert.equal(`${late.origin}${late.pathname}`, FAILURE)
    })

    it('the provider itself redirects back with error=access_denied → failure', async () => {
      p.user = providerUser('denied-at-provider')
      p.server.service.once('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
        redirect.url.searchParams.delete('code')
        redirect.url.searchParams.set('error', 'access_denied')
      })
      const flow = await runFlow(start())
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_provider_error')
    })

    it('the token endpoint refuses the code (invalid_grant) → failure, no account', async () => {
      p.user = providerUser('invalid-grant')
      p.server.service.once('beforeResponse', (response: { body: unknown; statusCode: number }) => {
        response.statusCode = 400
        response.body = { error: 'invalid_grant', error_description: 'code expired' }
      })
      const flow = await runFlow(start())
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_provider_error')
      assert.equal(setCookie(flow.final), undefined)
      assert.equal(await t.accounts.findAccountByEmail(p.user.email!), null)
    })

    it('the userinfo endpoint fails (401) → failure, no account', async () => {
      p.user = providerUser('userinfo-fails')
      p.server.service.once('beforeUserinfo', (response: { body: unknown; statusCode: number }) => {
        response.statusCode = 401
        response.body = { error: 'invalid_token' }
      })
      const flow = await runFlow(start())
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_provider_error')
      assert.equal(await t.accounts.findAccountByEmail(p.user.email!), null)
    })

    it('a userinfo without a subject → failure', async () => {
      p.user = providerUser('nosub')
      p.server.service.once('beforeUserinfo', (response: { body: unknown }) => {
        response.body = { email: 'nosub@example.com', email_verified: true }
      })
      const flow = await runFlow(start())
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_oauth2_provider_error')
    })
  })

  describe('start route', () => {
    it('a foreign success host → 400 project_invalid_success_url (JSON for API clients)', async () => {
      const res = await get(start('mock', q('http://evil.example/x')), { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal(res.headers.get('location'), null)
      assert.equal((await jsonError(res)).type, 'project_invalid_success_url')
    })

    it('a foreign failure host → 400 project_invalid_failure_url', async () => {
      const res = await get(start('mock', q(SUCCESS, 'https://evil.example/f')), { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal((await jsonError(res)).type, 'project_invalid_failure_url')
    })

    it('non-http success (javascript:, relative) → 400 project_invalid_success_url', async () => {
      for (const bad of ['javascript:alert(1)', '/relative', 'https://user:pw@app.example.com/x']) {
        const res = await get(start('mock', q(bad)), { Accept: 'application/json' })
        assert.equal(res.status, 400, bad)
        assert.equal((await jsonError(res)).type, 'project_invalid_success_url', bad)
      }
    })

    it('loopback success/failure URLs are allowed', async () => {
      const res = await get(start('mock', q('http://localhost:3000/ok', 'http://127.0.0.1:3000/fail')))
      assert.equal(res.status, 302)
    })

    it('the token route checks success/failure too', async () => {
      const res = await get(`${t.endpoint}/account/tokens/oauth2/mock?${q('http://evil.example/x')}`, { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal((await jsonError(res)).type, 'project_invalid_success_url')
    })

    it('an unconfigured preset (github) → 412 project_provider_disabled, on both start routes', async () => {
      for (const path of ['sessions', 'tokens']) {
        const res = await get(`${t.endpoint}/account/${path}/oauth2/github?${q()}`, { Accept: 'application/json' })
        assert.equal(res.status, 412, path)
        const body = await jsonError(res)
        assert.equal(body.type, 'project_provider_disabled')
        assert.equal(body.code, 412)
      }
    })

    it('an unknown provider name → 400 project_provider_unsupported', async () => {
      const res = await get(start('nope'), { Accept: 'application/json' })
      assert.equal(res.status, 400)
      assert.equal((await jsonError(res)).type, 'project_provider_unsupported')
    })

    it('the provider is checked before success/failure (412 wins over a bad success)', async () => {
      const res = await get(start('github', q('http://evil.example/x')), { Accept: 'application/json' })
      assert.equal(res.status, 412)
    })

    it('errors render as HTML for browsers (escaped), JSON otherwise', async () => {
      const html = await get(start('github'), { Accept: BROWSER_ACCEPT })
      assert.equal(html.status, 412)
      assert.match(html.headers.get('content-type') ?? '', /text\/html/)
      const page = await html.text()
      assert.match(page, /412/)
      assert.match(page, /project_provider_disabled/)

      const evil = await get(`${t.endpoint}/account/sessions/oauth2/${encodeURIComponent('<script>x')}`, { Accept: BROWSER_ACCEPT })
      assert.equal(evil.status, 400)
      const text = await evil.text()
      assert.doesNotMatch(text, /<script>/)

      const foreign = await get(start('mock', q('http://evil.example/x')), { Accept: BROWSER_ACCEPT })
      assert.equal(foreign.status, 400)
      assert.match(await foreign.text(), /project_invalid_success_url/)

      const plain = await get(start('github'))
      assert.equal(plain.status, 412)
      assert.equal((await jsonError(plain)).type, 'project_provider_disabled')
    })

    it('an unknown provider at the callback with a valid failure in the state → failure; without → 400', async () => {
      p.user = providerUser('cb-unknown')
      const callback = await toCallback()
      const res = await get(`${t.endpoint}/account/sessions/oauth2/callback/nope${callback.search}`)
      const target = location(res)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'project_provider_unsupported')
      const bare = await get(`${t.endpoint}/account/sessions/oauth2/callback/nope?code=x`, { Accept: 'application/json' })
      assert.equal(bare.status, 400)
    })
  })
})
