/**
 * OAuth2Strategy in a plain passport + express-session + connect-redis app (no router needed),
 * against the real provider on loopback: same state/PKCE, linking rules and Session records
 * as the router's flow.
 */
import assert from 'node:assert/strict'
import type { NextFunction, Request, Response } from 'express'
import { AnonymousStrategy, OAuth2Strategy } from '../../strategies/index.js'
import { makePassportApp } from '../support/passport-app.js'
import { connectedClient, deleteByPrefix, describeRedis, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { signUp } from '../support/app.js'
import {
  api, APP_ORIGIN, CLIENT_ID, get, listen, location, MockProvider, otherBrowser, providerOptions, providerUser, setCookie, signInFlow, type RunningApp,
} from './support.js'

interface MeBody { user: { $id: string; email: string; emailVerification: boolean }; session: { $id: string; provider: string; providerUid: string; providerAccessToken: string; factors: string[] } }

/** `sid=<raw value>` from a response's Set-Cookie. */
function sidCookie(res: Response | globalThis.Response): string | undefined {
  const line = (res as globalThis.Response).headers.getSetCookie().find((l) => l.startsWith('sid='))
  return line?.split(';')[0]
}

describeRedis('OAuth2Strategy in a plain passport app (real provider on loopback)', () => {
  let client: TestRedisClient
  let prefix: string
  let p: MockProvider
  let t: RunningApp & { passportApp: ReturnType<typeof makePassportApp> }

  before(async () => {
    client = await connectedClient()
    prefix = uniquePrefix('oauth2-strategy')
    p = await MockProvider.start()
    const passportApp = makePassportApp(
      client,
      prefix,
      (accounts) => [
        new OAuth2Strategy({ accounts, provider: 'mock', callbackUrl: '/auth/mock/callback' }),
        new OAuth2Strategy({ accounts, provider: 'google', name: 'g', callbackUrl: '/auth/g/callback', scopes: ['openid', 'email'] }),
        new AnonymousStrategy({ accounts }),
      ],
      { withRouter: true, allowedRedirectOrigins: [APP_ORIGIN], oauth2: providerOptions(p) },
    )
    const { app, passport: pp } = passportApp
    for (const name of ['mock', 'g']) {
      app.get(`/auth/${name}`, pp.authenticate(name))
      app.get(`/auth/${name}/callback`, (req: Request, res: Response, next: NextFunction) => {
        pp.authenticate(name, (err: unknown, user: unknown, info: unknown, status: unknown) => {
          if (err) return next(err)
          if (!user) return res.status(typeof status === 'number' ? status : 401).json({ info: info ?? null })
          req.logIn(user as Express.User, (e) => (e ? next(e) : res.json({ user, session: req.accountSession })))
        })(req, res, next)
      })
    }
    t = { ...(await listen(app, passportApp.accounts)), passportApp }
  })
  after(async () => {
    await t?.close()
    await p?.stop()
    if (client) {
      await deleteByPrefix(client, prefix)
      await client.close()
    }
  })

  /** /auth/<name> → provider → callback; returns the callback's response. */
  async function strategyFlow(name = 'mock', headers: Record<string, string> = {}) {
    otherBrowser() // a fresh browser per flow; a signed-in one passes its cookie in `headers`
    const authorize = location(await get(`${t.origin}/auth/${name}`, headers))
    const callback = location(await get(authorize.href))
    // The same browser comes back: with the cookie it was given, if any.
    const final = await get(callback.href, headers)
    return { authorize, callback, final }
  }

  it('redirects to the provider with PKCE S256, state and the strategy callback URL', async () => {
    const authorize = location(await get(`${t.origin}/auth/mock`))
    assert.equal(`${authorize.origin}${authorize.pathname}`, `${p.issuer}/authorize`)
    assert.equal(authorize.searchParams.get('client_id'), CLIENT_ID)
    assert.equal(authorize.searchParams.get('redirect_uri'), `${t.origin}/auth/mock/callback`)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256')
    assert.ok(authorize.searchParams.get('state'))
    assert.equal(authorize.searchParams.get('scope'), 'openid email profile')
  })

  it('signs in through express-session; the identity is created; /me shows the OAuth2 session', async () => {
    const user = providerUser('strategy')
    p.user = user
    const { final } = await strategyFlow()
    assert.equal(final.status, 200)
    const body = (await final.json()) as MeBody
    assert.equal(body.user.email, user.email)
    assert.equal(body.user.emailVerification, true)
    const sid = sidCookie(final)
    assert.ok(sid, 'express-session cookie')
    const me = (await (await fetch(`${t.origin}/me`, { headers: { Cookie: sid } })).json()) as MeBody
    assert.equal(me.user.$id, body.user.$id)
    assert.equal(me.session.provider, 'mock')
    assert.equal(me.session.providerUid, user.sub)
    assert.ok(me.session.providerAccessToken)
    assert.deepEqual(me.session.factors, ['email', 'oauth2'])
    const identities = await t.accounts.listIdentities(body.user.$id)
    assert.deepEqual(identities.map((i) => [i.provider, i.providerUid, i.providerEmail]), [['mock', user.sub, user.email]])
  })

  it("the strategy's session is listed by the router's GET /account/sessions for that account", async () => {
    const user = providerUser('strategy-listed')
    p.user = user
    const { final } = await strategyFlow()
    const strategySession = ((await final.json()) as MeBody).session
    assert.ok(strategySession?.$id)
    // The same provider user through the router: same account (existing identity), a cookie for the API.
    const { value } = await signInFlow(t)
    const list = await api<{ total: number; sessions: Array<{ $id: string; provider: string; current: boolean }> }>(t, '/account/sessions', value)
    assert.equal(list.body.total, 2)
    const listed = list.body.sessions.find((s) => s.$id === strategySession.$id)
    assert.ok(listed, 'strategy session listed')
    assert.deepEqual([listed.provider, listed.current], ['mock', false])
    // Revoking it through the API logs the passport user out.
    const sid = sidCookie(final)!
    assert.equal((await fetch(`${t.origin}/me`, { headers: { Cookie: sid } })).status, 200)
    const del = await api(t, `/account/sessions/${strategySession.$id}`, value, { method: 'DELETE', body: '{}' })
    assert.equal(del.status, 204)
    assert.equal((await fetch(`${t.origin}/me`, { headers: { Cookie: sid } })).status, 401)
  })

  it('a custom name, scopes and preset provider (google, endpoint overrides)', async () => {
    const user = providerUser('strategy-google')
    p.user = user
    const { authorize, final } = await strategyFlow('g')
    assert.equal(authorize.searchParams.get('scope'), 'openid email')
    assert.equal(authorize.searchParams.get('redirect_uri'), `${t.origin}/auth/g/callback`)
    assert.equal(final.status, 200)
    const body = (await final.json()) as MeBody
    assert.deepEqual([body.session.provider, body.session.providerUid], ['google', user.sub])
  })

  it('a replayed callback fails (400 user_oauth2_bad_request: state already used)', async () => {
    p.user = providerUser('strategy-replay')
    const { callback, final } = await strategyFlow()
    assert.equal(final.status, 200)
    const again = await get(callback.href)
    assert.equal(again.status, 400)
    const body = (await again.json()) as { info: { type: string; message: string } }
    assert.equal(body.info.type, 'user_oauth2_bad_request')
    assert.equal(sidCookie(again), undefined)
  })

  it('a provider error at the callback fails with user_oauth2_provider_error', async () => {
    p.user = providerUser('strategy-denied')
    const authorize = location(await get(`${t.origin}/auth/mock`))
    const res = await get(`${t.origin}/auth/mock/callback?error=access_denied&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`)
    assert.ok(res.status >= 400 && res.status < 500, String(res.status))
    assert.equal(((await res.json()) as { info: { type: string } }).info.type, 'user_oauth2_provider_error')
  })

  it('the linking rules apply: an unverified email does not take over an existing account', async () => {
    const victim = await signUp(t.app)
    p.user = providerUser('strategy-attacker', { email: victim.email, email_verified: false })
    const { final } = await strategyFlow()
    const body = (await final.json()) as MeBody
    assert.notEqual(body.user.$id, victim.id)
    assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
  })

  it('a verified email links to the existing account', async () => {
    const owner = await verifiedOwner(t)
    p.user = providerUser('strategy-owner', { email: owner.email, email_verified: true })
    const { final } = await strategyFlow()
    assert.equal(((await final.json()) as MeBody).user.$id, owner.id)
  })

  it('a signed-in passport user (anonymous) starting the flow gets the identity attached: same $id, verified email adopted', async () => {
    const login = await fetch(`${t.origin}/login/anonymous`, { method: 'POST' })
    const anonId = ((await login.json()) as { user: { $id: string } }).user.$id
    const sid = sidCookie(login)!
    const user = providerUser('strategy-upgrade')
    p.user = user
    const { final } = await strategyFlow('mock', { Cookie: sid })
    const body = (await final.json()) as MeBody
    assert.equal(body.user.$id, anonId)
    assert.equal(body.user.email, user.email)
    assert.deepEqual((await t.accounts.listIdentities(anonId)).map((i) => i.providerUid), [user.sub])
  })

  it('a state minted by OAuth2Strategy is refused at the router callback (no session, no empty redirect)', async () => {
    p.user = providerUser('strategy-state-at-router')
    const authorize = location(await get(`${t.origin}/auth/mock`))
    const callback = location(await get(authorize.href))
    const res = await get(`${t.endpoint}/account/sessions/oauth2/callback/mock${callback.search}`, { Accept: 'application/json' })
    assert.equal(setCookie(res), undefined, 'no a_session cookie for a flow the router did not start')
    assert.notEqual(res.headers.get('location'), '', 'never a 302 with an empty Location')
    assert.equal(res.status, 400)
    assert.equal(((await res.json()) as { type: string }).type, 'user_oauth2_bad_request')
  })

  it('validates constructor options with TypeErrors', () => {
    const accounts = t.accounts
    assert.throws(() => new OAuth2Strategy({ accounts, provider: 'github', callbackUrl: '/cb' }), /OAuth2Strategy: options.provider/)
    assert.throws(() => new OAuth2Strategy({ accounts, provider: 'mock', callbackUrl: 'cb' }), /OAuth2Strategy: options.callbackUrl/)
    assert.throws(() => new OAuth2Strategy({ accounts, provider: 'mock', callbackUrl: '/cb', scopes: 'openid' as never }), /OAuth2Strategy: options.scopes/)
    assert.throws(() => new OAuth2Strategy({ accounts, provider: 'mock', callbackUrl: '/cb', name: '' }), /OAuth2Strategy: options.name/)
    assert.equal(new OAuth2Strategy({ accounts, provider: 'mock', callbackUrl: 'https://app.example.com/cb' }).name, 'mock')
  })
})

/** An existing password account whose email is verified (only those absorb a provider login by email). */
async function verifiedOwner(t: { app: import('express').Express; accounts: import('../../lib/express-accounts.js').ExpressAccounts }) {
  const owner = await signUp(t.app)
  await t.accounts.update(owner.id, (a) => {
    a.emailVerification = true
  })
  return owner
}
