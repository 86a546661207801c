/**
 * PATCH /account/sessions/:id on an OAuth2 session: the provider access token is refreshed
 * with the session's refresh token (real refresh_token grant at the provider).
 */
import assert from 'node:assert/strict'
import { Account, Client } from 'node-appwrite'
import { TestClock, signIn, signUp } from '../support/app.js'
import { api, API_KEY, FAILURE, get, location, MockProvider, PROJECT, providerUser, signInFlow, startApp, SUCCESS, type RunningApp } from './support.js'

interface SessionBody {
  $id: string; expire: string; provider: string; providerAccessToken: string; providerAccessTokenExpiry: string; providerRefreshToken: string
  type?: string
}

describe('OAuth2 provider token refresh on PATCH /account/sessions/:id', () => {
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
  afterEach(() => {
    p.refreshTokens = true
  })

  const current = async (value: string) => (await api<SessionBody>(t, '/account/sessions/current', value)).body

  it('PATCH current: a new provider access token (refresh_token grant with the stored refresh token)', async () => {
    p.user = providerUser('refresh')
    const { value } = await signInFlow(t)
    const before = await current(value)
    assert.ok(before.providerRefreshToken, 'the mock gave a refresh token')
    const seen = p.tokenRequests.length
    const res = await api<SessionBody>(t, '/account/sessions/current', value, { method: 'PATCH', body: '{}' })
    assert.equal(res.status, 200)
    assert.notEqual(res.body.providerAccessToken, before.providerAccessToken, 'providerAccessToken changed')
    assert.ok(res.body.providerAccessToken.length > 0)
    assert.notEqual(res.body.providerAccessTokenExpiry, '')
    const grant = p.tokenRequests.slice(seen).find((r) => r.grant_type === 'refresh_token')
    assert.ok(grant, 'a refresh_token grant reached the provider')
    assert.equal(grant.refresh_token, before.providerRefreshToken)
    // The provider rotated the refresh token: the session keeps the new one.
    assert.notEqual(res.body.providerRefreshToken, before.providerRefreshToken)
    // Stored, not only returned.
    const after = await current(value)
    assert.deepEqual([after.providerAccessToken, after.providerRefreshToken], [res.body.providerAccessToken, res.body.providerRefreshToken])
    // The new access token is accepted by the provider (userinfo answers for the same user).
    const info = await fetch(`${p.issuer}/userinfo`, { headers: { Authorization: `Bearer ${after.providerAccessToken}` } })
    assert.equal(((await info.json()) as { sub: string }).sub, p.user.sub)
  })

  it('node-appwrite updateSession by id refreshes too, and twice in a row uses the rotated refresh token', async () => {
    p.user = providerUser('refresh-sdk')
    const { value } = await signInFlow(t)
    const account = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setSession(value))
    const s0 = await current(value)
    const s1 = await account.updateSession({ sessionId: s0.$id })
    const s2 = await account.updateSession({ sessionId: s0.$id })
    assert.equal(s1.provider, 'mock')
    assert.notEqual(s1.providerAccessToken, s0.providerAccessToken)
    assert.notEqual(s2.providerAccessToken, s1.providerAccessToken)
    assert.notEqual(s2.providerRefreshToken, s1.providerRefreshToken)
  })

  it('a session redeemed from the token flow refreshes as well', async () => {
    p.user = providerUser('refresh-token-flow')
    const authorize = location(await get(`${t.endpoint}/account/tokens/oauth2/mock?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`))
    const done = location(await get(location(await get(authorize.href)).href))
    const key = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setKey(API_KEY))
    const session = await key.createSession({ userId: done.searchParams.get('userId')!, secret: done.searchParams.get('secret')! })
    assert.ok(session.providerRefreshToken)
    const res = await api<SessionBody>(t, '/account/sessions/current', session.secret, { method: 'PATCH', body: '{}' })
    assert.equal(res.status, 200)
    assert.notEqual(res.body.providerAccessToken, session.providerAccessToken)
  })

  it('without a refresh token the provider is not called and the provider token stays', async () => {
    p.refreshTokens = false
    p.user = providerUser('no-refresh')
    const { value } = await signInFlow(t)
    const before = await current(value)
    assert.equal(before.providerRefreshToken, '')
    const seen = p.tokenRequests.length
    const res = await api<SessionBody>(t, '/account/sessions/current', value, { method: 'PATCH', body: '{}' })
    assert.equal(res.status, 200)
    assert.equal(res.body.providerAccessToken, before.providerAccessToken)
    assert.equal(p.tokenRequests.length, seen)
  })

  it('a password session is extended without any provider call', async () => {
    const user = await signUp(t.app)
    const { value } = await signIn(t.app, user.email, user.password)
    const seen = p.tokenRequests.length
    const res = await api<SessionBody>(t, '/account/sessions/current', value, { method: 'PATCH', body: '{}' })
    assert.equal(res.status, 200)
    assert.deepEqual([res.body.provider, res.body.providerAccessToken], ['email', ''])
    assert.equal(p.tokenRequests.length, seen)
  })

  it('the provider refusing the refresh → an error naming the provider failure; the old token is kept', async () => {
    p.user = providerUser('refresh-refused')
    const { value } = await signInFlow(t)
    const before = await current(value)
    p.server.service.once('beforeResponse', (response: { body: unknown; statusCode: number }) => {
      response.statusCode = 400
      response.body = { error: 'invalid_grant' }
    })
    const res = await api<SessionBody>(t, '/account/sessions/current', value, { method: 'PATCH', body: '{}' })
    assert.ok(res.status >= 400, `error status (${res.status})`)
    assert.equal(res.body.type, 'user_oauth2_provider_error')
    const after = await current(value)
    assert.equal(after.providerAccessToken, before.providerAccessToken)
  })

  it('a refused refresh changes nothing: the PATCH fails and the session expiry is not extended either', async () => {
    const clock = new TestClock()
    const own = await startApp(p, { clock })
    try {
      p.user = providerUser('refresh-refused-atomic')
      const { value } = await signInFlow(own)
      const before = (await api<SessionBody>(own, '/account/sessions/current', value)).body
      clock.advance(3600_000)
      p.server.service.once('beforeResponse', (response: { body: unknown; statusCode: number }) => {
        response.statusCode = 400
        response.body = { error: 'invalid_grant' }
      })
      const res = await api<SessionBody>(own, '/account/sessions/current', value, { method: 'PATCH', body: '{}' })
      assert.equal(res.body.type, 'user_oauth2_provider_error')
      const after = (await api<SessionBody>(own, '/account/sessions/current', value)).body
      assert.equal(after.expire, before.expire, 'an error answer must not have extended the session')
    } finally {
      await own.close()
    }
  })
})
