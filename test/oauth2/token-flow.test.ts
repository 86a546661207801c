/**
 * The token flow end to end: node-appwrite `createOAuth2Token` → provider → our callback →
 * `success?userId&secret` → `createSession({userId, secret})` through a key client.
 */
import assert from 'node:assert/strict'
import { Account, AppwriteException, Client, type OAuthProvider } from 'node-appwrite'
import { TestClock } from '../support/app.js'
import { API_KEY, FAILURE, get, location, MockProvider, PROJECT, providerUser, setCookie, startApp, SUCCESS, type RunningApp } from './support.js'

const provider = (name: string) => name as unknown as OAuthProvider

describe('OAuth2 token flow (node-appwrite createOAuth2Token → createSession)', () => {
  let p: MockProvider
  let t: RunningApp
  let clock: TestClock
  let guest: Account
  let key: Account

  before(async () => {
    p = await MockProvider.start()
    clock = new TestClock()
    t = await startApp(p, { clock })
    guest = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT))
    key = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setKey(API_KEY))
  })
  after(async () => {
    await t.close()
    await p.stop()
  })

  /** createOAuth2Token → provider → callback; returns the success URL. */
  async function tokenFlow(success = SUCCESS): Promise<URL> {
    const authorizeUrl = await guest.createOAuth2Token({ provider: provider('mock'), success, failure: FAILURE })
    const authorize = new URL(authorizeUrl)
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${p.issuer}/authorize`, 'the SDK returned the Location (a 301/302)')
    const callback = location(await get(authorize.href))
    const final = await get(callback.href)
    assert.equal(setCookie(final), undefined, 'token mode sets no cookie')
    return location(final)
  }

  it('returns success?userId&secret; createSession redeems it into an OAuth2 session; the secret is single use', async () => {
    const user = providerUser('token')
    p.user = user
    const done = await tokenFlow()
    assert.equal(`${done.origin}${done.pathname}`, SUCCESS)
    const userId = done.searchParams.get('userId')!
    const secret = done.searchParams.get('secret')!
    assert.ok(userId && secret)

    const session = await key.createSession({ userId, secret })
    assert.equal(session.userId, userId)
    assert.equal(session.provider, 'mock')
    assert.equal(session.providerUid, user.sub)
    assert.ok(session.providerAccessToken.length > 0)
    assert.ok(session.providerRefreshToken.length > 0)
    assert.notEqual(session.providerAccessTokenExpiry, '')
    assert.deepEqual([...session.factors], ['email', 'oauth2'])
    assert.ok(session.secret, 'the key caller gets the session value')

    const me = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setSession(session.secret))
    const account = await me.get()
    assert.deepEqual([account.$id, account.email, account.emailVerification], [userId, user.email, true])
    const identities = await me.listIdentities()
    assert.deepEqual(identities.identities.map((i) => [i.provider, i.providerUid, i.providerEmail, i.userId]), [['mock', user.sub, user.email, userId]])

    const reuse = await key.createSession({ userId, secret }).then(() => null, (e: AppwriteException) => e)
    assert.ok(reuse instanceof AppwriteException)
    assert.deepEqual([reuse.code, reuse.type], [401, 'user_invalid_token'])
  })

  it('the secret does not open a session for another userId', async () => {
    p.user = providerUser('token-other')
    const done = await tokenFlow()
    const other = providerUser('token-other-2')
    p.user = other
    const otherDone = await tokenFlow()
    const err = await key.createSession({ userId: otherDone.searchParams.get('userId')!, secret: done.searchParams.get('secret')! }).then(() => null, (e: AppwriteException) => e)
    assert.deepEqual([err?.code, err?.type], [401, 'user_invalid_token'])
  })

  it('keeps the success URL’s own query parameters', async () => {
    p.user = providerUser('token-query')
    const done = await tokenFlow(`${SUCCESS}?next=%2Fdashboard`)
    assert.equal(done.searchParams.get('next'), '/dashboard')
    assert.ok(done.searchParams.get('secret'))
  })

  it('the token expires (15 min): a late createSession → 401 user_invalid_token', async () => {
    p.user = providerUser('token-late')
    const done = await tokenFlow()
    clock.advance(901_000)
    const err = await key.createSession({ userId: done.searchParams.get('userId')!, secret: done.searchParams.get('secret')! }).then(() => null, (e: AppwriteException) => e)
    assert.deepEqual([err?.code, err?.type], [401, 'user_invalid_token'])
  })

  it('the same provider user gets the same userId each time', async () => {
    p.user = providerUser('token-same')
    const a = await tokenFlow()
    const b = await tokenFlow()
    assert.equal(a.searchParams.get('userId'), b.searchParams.get('userId'))
    assert.notEqual(a.searchParams.get('secret'), b.searchParams.get('secret'))
  })

  it('node-appwrite surfaces route errors as "Invalid redirect" with the HTTP status (412 unconfigured preset, 400 unknown)', async () => {
    const disabled = await guest.createOAuth2Token({ provider: provider('github'), success: SUCCESS }).then(() => null, (e: AppwriteException) => e)
    assert.deepEqual([disabled?.code, disabled?.message], [412, 'Invalid redirect'])
    const unknown = await guest.createOAuth2Token({ provider: provider('nope'), success: SUCCESS }).then(() => null, (e: AppwriteException) => e)
    assert.equal(unknown?.code, 400)
    const foreign = await guest.createOAuth2Token({ provider: provider('mock'), success: 'http://evil.example/x' }).then(() => null, (e: AppwriteException) => e)
    assert.equal(foreign?.code, 400)
  })

  it('a provider failure in token mode goes to failure?error=…, no token issued', async () => {
    p.user = providerUser('token-denied')
    const authorize = new URL(await guest.createOAuth2Token({ provider: provider('mock'), success: SUCCESS, failure: FAILURE }))
    const callback = new URL(`${t.endpoint}/account/sessions/oauth2/callback/mock`)
    callback.searchParams.set('error', 'access_denied')
    callback.searchParams.set('state', authorize.searchParams.get('state')!)
    const done = location(await get(callback.href))
    assert.equal(`${done.origin}${done.pathname}`, FAILURE)
    assert.equal(done.searchParams.get('secret'), null)
    assert.equal(JSON.parse(done.searchParams.get('error')!).type, 'user_oauth2_provider_error')
  })
})
