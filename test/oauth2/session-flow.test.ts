/**
 * The session flow end to end against a real authorization server on loopback:
 * GET /account/sessions/oauth2/:provider → provider /authorize → our callback → cookie →
 * success. MemoryStore and RedisStore (state kept in Redis, single use).
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Account as WebAccount, Client as WebClient } from 'appwrite'
import { Account, Client } from 'node-appwrite'
import { RedisStore } from '../../lib/store/redis-store.js'
import { connectedClient, deleteByPrefix, describeRedis, keysByPrefix, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import {
  api, CLIENT_ID, COOKIE, FAILURE, get, location, MockProvider, PROJECT, providerUser, runFlow, setCookie, signInFlow, startApp, SUCCESS,
  type RunningApp,
} from './support.js'

interface AccountBody { $id: string; email: string; emailVerification: boolean; name: string }
interface SessionBody {
  $id: string; provider: string; providerUid: string; providerAccessToken: string; providerAccessTokenExpiry: string
  providerRefreshToken: string; factors: string[]; current: boolean; secret: string; userId: string
}

const startPath = (provider = 'mock', q = `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`) => `/account/sessions/oauth2/${provider}?${q}`

describe('OAuth2 session flow (MemoryStore, real provider on loopback)', () => {
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

  it('redirects (302) to the discovered authorize endpoint with client_id, redirect_uri, state, PKCE S256 and scope', async () => {
    const res = await get(`${t.endpoint}${startPath()}`)
    const loc = location(res, 302)
    assert.equal(`${loc.origin}${loc.pathname}`, `${p.issuer}/authorize`)
    const q = loc.searchParams
    assert.equal(q.get('response_type'), 'code')
    assert.equal(q.get('client_id'), CLIENT_ID)
    assert.equal(q.get('redirect_uri'), `${t.endpoint}/account/sessions/oauth2/callback/mock`)
    assert.match(q.get('state') ?? '', /^[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]+$/, 'state = <handle>.<base64url failure>')
    assert.equal(Buffer.from(q.get('state')!.split('.')[1]!, 'base64url').toString(), FAILURE)
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.equal(q.get('code_challenge_method'), 'S256')
    assert.equal(q.get('scope'), 'openid email profile')
  })

  it('signs in: cookie + 302 to success; the account comes from the userinfo; the session records the provider', async () => {
    const user = providerUser('session')
    p.user = user
    const { value, success, flow } = await signInFlow(t)
    assert.equal(success.href, SUCCESS)
    // Both cookies, host-only, HttpOnly, Path=/.
    const lines = flow.final.headers.getSetCookie()
    assert.ok(lines.some((l) => l.startsWith(`${COOKIE}=`) && /HttpOnly/i.test(l) && /Path=\//.test(l)))
    assert.equal(setCookie(flow.final, `${COOKIE}_legacy`), value)
    // The callback is where the provider sent the browser, code + the same state.
    assert.equal(flow.callback.pathname, '/v1/account/sessions/oauth2/callback/mock')
    assert.ok(flow.callback.searchParams.get('code'))
    assert.equal(flow.callback.searchParams.get('state'), flow.authorize.searchParams.get('state'))

    // The cookie works as a cookie (not only as X-Appwrite-Session).
    const viaCookie = await fetch(`${t.endpoint}/account`, { headers: { Cookie: `${COOKIE}=${encodeURIComponent(value)}`, 'X-Appwrite-Project': PROJECT } })
    assert.equal(viaCookie.status, 200)
    const account = (await viaCookie.json()) as AccountBody
    assert.equal(account.email, user.email)
    assert.equal(account.emailVerification, true)
    assert.equal(account.name, user.name)

    const sessions = await api<{ total: number; sessions: SessionBody[] }>(t, '/account/sessions', value)
    assert.equal(sessions.status, 200)
    assert.equal(sessions.body.total, 1)
    const s = sessions.body.sessions[0]!
    assert.equal(s.provider, 'mock')
    assert.equal(s.providerUid, user.sub)
    assert.ok(s.providerAccessToken.length > 0, 'providerAccessToken non-empty')
    assert.ok(s.providerRefreshToken.length > 0, 'the mock returned a refresh token')
    assert.notEqual(s.providerAccessTokenExpiry, '', 'expires_in → providerAccessTokenExpiry')
    const expiry = Date.parse(s.providerAccessTokenExpiry)
    assert.ok(Math.abs(expiry - (Date.now() + 3600_000)) < 120_000, `expiry ≈ now + 3600 s (${s.providerAccessTokenExpiry})`)
    assert.deepEqual(s.factors, ['email', 'oauth2'])
    assert.equal(s.current, true)
    assert.equal(s.secret, '', 'no secret for a non-key caller')
    assert.equal(s.userId, account.$id)
  })

  it('sends the PKCE verifier matching the S256 challenge to the token endpoint', async () => {
    p.user = providerUser('pkce')
    const before = p.tokenRequests.length
    const { flow } = await signInFlow(t)
    const tokenRequest = p.tokenRequests.slice(before).find((r) => r.grant_type === 'authorization_code')
    assert.ok(tokenRequest, 'token request seen')
    const verifier = String(tokenRequest.code_verifier)
    assert.match(verifier, /^[A-Za-z0-9._~-]{43,128}$/)
    assert.equal(createHash('sha256').update(verifier).digest('base64url'), flow.authorize.searchParams.get('code_challenge'))
    assert.equal(tokenRequest.code, flow.callback.searchParams.get('code'))
    assert.equal(tokenRequest.redirect_uri, `${t.endpoint}/account/sessions/oauth2/callback/mock`)
  })

  it('node-appwrite with the cookie value: get() and listIdentities() show the identity', async () => {
    const user = providerUser('node-sdk')
    p.user = user
    const { value } = await signInFlow(t)
    const account = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setSession(value))
    const me = await account.get()
    assert.equal(me.email, user.email)
    const list = await account.listIdentities()
    assert.equal(list.total, 1)
    const identity = list.identities[0]!
    assert.equal(identity.provider, 'mock')
    assert.equal(identity.providerUid, user.sub)
    assert.equal(identity.providerEmail, user.email)
    assert.equal(identity.userId, me.$id)
    assert.ok(identity.providerAccessToken.length > 0)
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(identity))), [
      '$id', '$createdAt', '$updatedAt', 'userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessToken', 'providerAccessTokenExpiry', 'providerRefreshToken',
    ])
  })

  it('a second sign-in of the same provider user lands in the same account (existing identity)', async () => {
    const user = providerUser('again')
    p.user = user
    const first = await signInFlow(t)
    const second = await signInFlow(t)
    const a = await api<AccountBody>(t, '/account', first.value)
    const b = await api<AccountBody>(t, '/account', second.value)
    assert.equal(a.body.$id, b.body.$id)
    const sessions = await api<{ total: number }>(t, '/account/sessions', second.value)
    assert.equal(sessions.body.total, 2)
    const identities = await api<{ total: number }>(t, '/account/identities', second.value)
    assert.equal(identities.body.total, 1, 'no duplicate identity')
  })

  it('the google preset with endpoint overrides (no discovery) signs in the same way; session provider = google', async () => {
    const user = providerUser('google')
    p.user = user
    const start = location(await get(`${t.endpoint}${startPath('google')}`))
    assert.equal(`${start.origin}${start.pathname}`, `${p.issuer}/authorize`)
    assert.equal(start.searchParams.get('client_id'), `${CLIENT_ID}-google`)
    assert.equal(start.searchParams.get('redirect_uri'), `${t.endpoint}/account/sessions/oauth2/callback/google`)
    const { value } = await signInFlow(t, 'google')
    const sessions = await api<{ sessions: SessionBody[] }>(t, '/account/sessions', value)
    assert.deepEqual([sessions.body.sessions[0]!.provider, sessions.body.sessions[0]!.providerUid], ['google', user.sub])
    const me = await api<AccountBody>(t, '/account', value)
    assert.deepEqual([me.body.email, me.body.emailVerification], [user.email, true])
  })

  it('scopes[] replace the default scopes in the authorize URL', async () => {
    const q = `success=${encodeURIComponent(SUCCESS)}&scopes[0]=openid&scopes[1]=repo%3Aread&scopes[2]=offline_access`
    const loc = location(await get(`${t.endpoint}${startPath('mock', q)}`))
    assert.equal(loc.searchParams.get('scope'), 'openid repo:read offline_access')
  })

  it('the web SDK builds the createOAuth2Session URL (project in the query) and the route accepts it', async () => {
    const web = new WebAccount(new WebClient().setEndpoint(t.endpoint).setProject(PROJECT))
    const url = web.createOAuth2Session({ provider: 'mock' as never, success: SUCCESS, failure: FAILURE, scopes: ['openid', 'email'] }) as unknown as string
    assert.equal(typeof url, 'string', 'no window.location → the SDK returns the URL')
    const parsed = new URL(url)
    assert.equal(parsed.searchParams.get('project'), PROJECT)
    assert.equal(parsed.searchParams.get('scopes[0]'), 'openid')
    const user = providerUser('web-sdk')
    p.user = user
    const flow = await runFlow(url)
    assert.equal(flow.authorize.searchParams.get('scope'), 'openid email')
    assert.equal(location(flow.final).href, SUCCESS)
    const value = setCookie(flow.final)!
    assert.equal((await api<AccountBody>(t, '/account', value)).body.email, user.email)
  })

  it('the web SDK createOAuth2Token URL works too (token mode, project in the query)', async () => {
    const web = new WebAccount(new WebClient().setEndpoint(t.endpoint).setProject(PROJECT))
    const url = web.createOAuth2Token({ provider: 'mock' as never, success: SUCCESS, failure: FAILURE }) as unknown as string
    assert.equal(new URL(url).pathname, '/v1/account/tokens/oauth2/mock')
    p.user = providerUser('web-token')
    const flow = await runFlow(url)
    const done = location(flow.final)
    assert.equal(`${done.origin}${done.pathname}`, SUCCESS)
    assert.ok(done.searchParams.get('userId') && done.searchParams.get('secret'))
    assert.equal(setCookie(flow.final), undefined, 'token mode sets no cookie')
  })

  it('a project named in the query that is not ours → 404 project_not_found', async () => {
    const res = await get(`${t.endpoint}${startPath()}&project=other`, { Accept: 'application/json' })
    assert.equal(res.status, 404)
    assert.equal(((await res.json()) as { type: string }).type, 'project_not_found')
  })

  it('two concurrent deliveries of the same callback: exactly one signs in', async () => {
    p.user = providerUser('race')
    const authorize = location(await get(`${t.endpoint}${startPath()}`))
    const callback = location(await get(authorize.href))
    const results = await Promise.all([get(callback.href), get(callback.href), get(callback.href)])
    assert.equal(results.filter((r) => location(r).href === SUCCESS).length, 1)
    assert.equal(results.filter((r) => setCookie(r)).length, 1)
  })

  it('success and failure default to the API origin root when omitted', async () => {
    p.user = providerUser('defaults')
    const flow = await runFlow(`${t.endpoint}/account/sessions/oauth2/mock`)
    assert.equal(Buffer.from(flow.authorize.searchParams.get('state')!.split('.')[1]!, 'base64url').toString(), `${t.origin}/`)
    assert.equal(location(flow.final).href, `${t.origin}/`)
    assert.ok(setCookie(flow.final))
  })
})

describeRedis('OAuth2 session flow on RedisStore (state in Redis)', () => {
  let p: MockProvider
  let t: RunningApp
  let client: TestRedisClient
  let prefix: string
  let store: RedisStore

  before(async () => {
    client = await connectedClient()
    prefix = uniquePrefix('oauth2')
    store = new RedisStore({ client, prefix })
    p = await MockProvider.start()
    t = await startApp(p, { store })
  })
  after(async () => {
    await t?.close()
    await p?.stop()
    if (client) {
      await deleteByPrefix(client, prefix)
      await client.close()
    }
  })

  it('keeps the state single-use in Redis for 10 minutes and completes the sign-in', async () => {
    const user = providerUser('redis')
    p.user = user
    const authorize = location(await get(`${t.endpoint}${startPath()}`))
    const handle = authorize.searchParams.get('state')!.split('.')[0]!
    const key = `${prefix}o:oauth2:${handle}`
    assert.deepEqual(await keysByPrefix(client, `${prefix}o:oauth2:`), [key])
    const ttl = await client.pTTL(key)
    assert.ok(ttl > 590_000 && ttl <= 600_000, `PTTL ≈ 600 s (${ttl})`)
    const saved = JSON.parse((await client.get(key))!) as { verifier: string; context: Record<string, unknown> }
    const { binding, ...rest } = saved.context as { binding: unknown }
    assert.deepEqual(rest, { provider: 'mock', mode: 'session', success: SUCCESS, failure: FAILURE, linkAccountId: null })
    assert.match(String(binding), /^[0-9a-f]{64}$/, 'a hash of the browser-binding nonce, never the nonce')

    const callback = location(await get(authorize.href))
    const final = await get(callback.href)
    assert.equal(location(final).href, SUCCESS)
    assert.equal(await client.exists(key), 0, 'taken on use')
    const value = setCookie(final)!
    const me = await api<AccountBody>(t, '/account', value)
    assert.deepEqual([me.body.email, me.body.emailVerification], [user.email, true])
    const sessions = await api<{ sessions: SessionBody[] }>(t, '/account/sessions', value)
    assert.deepEqual([sessions.body.sessions[0]!.provider, sessions.body.sessions[0]!.providerUid, sessions.body.sessions[0]!.factors], ['mock', user.sub, ['email', 'oauth2']])
    const identities = new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setSession(value))
    const list = await identities.listIdentities()
    assert.deepEqual(list.identities.map((i) => [i.provider, i.providerUid, i.providerEmail]), [['mock', user.sub, user.email]])

    // Replaying the callback: the state is gone from Redis → failure.
    const replay = location(await get(callback.href))
    assert.equal(`${replay.origin}${replay.pathname}`, FAILURE)
  })

  it('two concurrent deliveries of the same callback: exactly one signs in (GETDEL)', async () => {
    p.user = providerUser('redis-race')
    const authorize = location(await get(`${t.endpoint}${startPath()}`))
    const callback = location(await get(authorize.href))
    const results = await Promise.all([get(callback.href), get(callback.href), get(callback.href)])
    const targets = results.map((r) => location(r))
    assert.equal(targets.filter((u) => u.href === SUCCESS).length, 1)
    assert.equal(targets.filter((u) => `${u.origin}${u.pathname}` === FAILURE).length, 2)
    assert.equal(results.filter((r) => setCookie(r)).length, 1)
  })

  it('a second app instance on the same Redis completes a flow the first one started (shared state)', async () => {
    const other = await startApp(p, { store: new RedisStore({ client, prefix }) })
    try {
      p.user = providerUser('two-instances')
      const authorize = location(await get(`${t.endpoint}${startPath()}`))
      const callback = location(await get(authorize.href))
      // The browser comes back to the other instance (same path, other port).
      const final = await get(`${other.origin}${callback.pathname}${callback.search}`)
      assert.equal(location(final).href, SUCCESS)
      assert.ok(setCookie(final))
    } finally {
      await other.close()
    }
  })
})
