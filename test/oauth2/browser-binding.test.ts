/**
 * OAuth2 flows are bound to the browser that started them (login CSRF, link CSRF), and a
 * session that still owes a second factor cannot link a provider login (MFA bypass).
 */
import assert from 'node:assert/strict'
import { TOTP, Secret } from 'otpauth'
import { signIn, signUp } from '../support/app.js'
import {
  api, FAILURE, failureError, get, location, MockProvider, otherBrowser, providerOptions, providerUser, setCookie, startApp, SUCCESS, type RunningApp,
} from './support.js'

const startUrl = (t: RunningApp, mode = 'sessions') =>
  `${t.endpoint}/account/${mode}/oauth2/mock?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`

describe('OAuth2: browser binding and the MFA gate', () => {
  let p: MockProvider
  let t: RunningApp

  before(async () => {
    p = await MockProvider.start()
    t = await startApp(p, { oauth2: providerOptions(p) })
  })
  after(async () => {
    await t.close()
    await p.stop()
  })
  beforeEach(() => otherBrowser())

  it('sets an HttpOnly, SameSite=Lax binding cookie with a random per-flow name', async () => {
    const res = await get(startUrl(t))
    const line = res.headers.getSetCookie().find((c) => c.startsWith('a_oauth2_'))
    assert.ok(line, 'binding cookie set')
    assert.match(line, /HttpOnly/)
    assert.match(line, /SameSite=Lax/)
    assert.match(line, /Path=\/(;|$)/, 'path /: a callbackUrl behind a path-rewriting proxy still receives it')
  })

  it('refuses a callback completed in another browser (login CSRF) → failure, no session', async () => {
    p.user = providerUser('csrf-attacker')
    const authorize = location(await get(startUrl(t)))
    const callback = location(await get(authorize.href))
    otherBrowser() // the attacker hands the callback URL to a victim
    const final = await get(callback.href)
    const target = location(final)
    assert.equal(`${target.origin}${target.pathname}`, FAILURE)
    assert.equal(failureError(target).type, 'user_oauth2_bad_request')
    assert.equal(setCookie(final), undefined)
  })

  it('refuses a link flow completed in the victim\'s browser (link CSRF): the victim\'s identity is not attached', async () => {
    const attacker = await signUp(t.app)
    const { value } = await signIn(t.app, attacker.email, attacker.password)
    const authorize = location(await get(startUrl(t), { 'X-Appwrite-Session': value }))
    otherBrowser()
    p.user = providerUser('link-victim')
    const final = await get(location(await get(authorize.href)).href)
    assert.equal(failureError(location(final)).type, 'user_oauth2_bad_request')
    assert.deepEqual(await t.accounts.listIdentities(attacker.id), [])
  })

  it('runs two flows started in two tabs of one browser', async () => {
    p.user = providerUser('two-tabs-a')
    const a = location(await get(startUrl(t)))
    const b = location(await get(startUrl(t)))
    const finalB = await get(location(await get(b.href)).href)
    assert.equal(location(finalB).href, SUCCESS)
    const finalA = await get(location(await get(a.href)).href)
    assert.equal(location(finalA).href, SUCCESS)
  })

  it('leaves a guest token flow unbound (a server starts it for a browser, as node-appwrite does)', async () => {
    p.user = providerUser('token-unbound')
    const authorize = location(await get(startUrl(t, 'tokens')))
    otherBrowser()
    const final = location(await get(location(await get(authorize.href)).href))
    assert.ok(final.searchParams.get('secret'))
  })

  it('does not let a session that owes its second factor link a provider login (MFA bypass)', async () => {
    const owner = await signUp(t.app)
    const first = await signIn(t.app, owner.email, owner.password)
    const created = await api<{ secret: string }>(t, '/account/mfa/authenticators/totp', first.value, { method: 'POST', body: '{}' })
    const totp = new TOTP({ secret: Secret.fromBase32(created.body.secret), digits: 6, period: 30 })
    assert.equal((await api(t, '/account/mfa/authenticators/totp', first.value, { method: 'PUT', body: JSON.stringify({ otp: totp.generate() }) })).status, 200)
    assert.equal((await api(t, '/account/mfa', first.value, { method: 'PATCH', body: JSON.stringify({ mfa: true }) })).status, 200)
    const partial = await signIn(t.app, owner.email, owner.password) // password only: owes TOTP
    const res = await get(startUrl(t), { 'X-Appwrite-Session': partial.value, Accept: 'application/json' })
    assert.equal(res.status, 401)
    assert.equal(((await res.json()) as { type: string }).type, 'user_more_factors_required')
    assert.deepEqual(await t.accounts.listIdentities(owner.id), [])
  })
})
