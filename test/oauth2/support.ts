/**
 * OAuth2 end-to-end plumbing: a real authorization server on loopback (oauth2-mock-server)
 * that knows which "user" is signed in at the provider, an express-accounts app listening on
 * 127.0.0.1, and a browser-like walker for the redirect chain (fetch with redirect: manual,
 * cookies kept by hand).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { OAuth2Server } from 'oauth2-mock-server'
import type { ExpressAccounts } from '../../lib/express-accounts.js'
import type { AccountsOptions } from '../../lib/options.js'
import { makeApp, PROJECT } from '../support/app.js'

export { API_KEY, PROJECT } from '../support/app.js'

export const CLIENT_ID = 'express-accounts-test-client'
export const CLIENT_SECRET = 'express-accounts-test-client-secret'
export const APP_ORIGIN = 'https://app.example.com'
export const SUCCESS = `${APP_ORIGIN}/oauth/ok`
export const FAILURE = `${APP_ORIGIN}/oauth/fail`
export const COOKIE = `a_session_${PROJECT}`

/** The person signed in at the provider: what `/userinfo` will say about them. */
export interface ProviderUser {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
}

let userCounter = 0
/** A fresh provider user with a unique subject and email. */
export function providerUser(tag = 'user', extra: Partial<ProviderUser> = {}): ProviderUser {
  userCounter += 1
  const id = `${tag}-${process.pid}-${userCounter}-${randomUUID().slice(0, 8)}`
  return { sub: `sub-${id}`, email: `${id}@example.com`, email_verified: true, name: `Provider ${tag} ${userCounter}`, ...extra }
}

interface RequestWithBody extends IncomingMessage {
  body?: Record<string, unknown>
}

/**
 * oauth2-mock-server with per-user identities. The mock always answers `sub: johndoe`; here
 * the user signed in at the provider when `/authorize` ran is bound to the code, then to
 * the access and refresh tokens (a `uid` claim in the JWT), and `/userinfo` answers for the
 * bearer's user.
 */
export class MockProvider {
  readonly server: OAuth2Server
  /** Who is signed in at the provider (the next `/authorize` issues a code for them). */
  user: ProviderUser = providerUser('default')
  /** Include `refresh_token` in token responses (the mock does by default). */
  refreshTokens = true
  /** Every `/authorize` query the provider saw. */
  readonly authorizeRequests: URL[] = []
  /** Every token request body the provider saw. */
  readonly tokenRequests: Record<string, unknown>[] = []
  readonly #codes = new Map<string, ProviderUser>()
  readonly #tokens = new Map<string, ProviderUser>()
  readonly #refresh = new Map<string, ProviderUser>()

  private constructor() {
    this.server = new OAuth2Server()
  }

  static async start(): Promise<MockProvider> {
    const p = new MockProvider()
    await p.server.issuer.keys.generate('RS256')
    await p.server.start(0, '127.0.0.1')
    p.#hook()
    return p
  }

  get issuer(): string {
    return this.server.issuer.url as string
  }

  /** The endpoints, for configuring a preset with overrides (no discovery). */
  endpoints() {
    return { authorizationUrl: `${this.issuer}/authorize`, tokenUrl: `${this.issuer}/token`, userInfoUrl: `${this.issuer}/userinfo` }
  }

  async stop(): Promise<void> {
    await this.server.stop()
  }

  #hook(): void {
    const service = this.server.service
    service.on('beforeAuthorizeRedirect', (redirect: { url: URL }, req: IncomingMessage) => {
      this.authorizeRequests.push(new URL(req.url ?? '/', this.issuer))
      const code = redirect.url.searchParams.get('code')
      if (code) this.#codes.set(code, this.user)
    })
    service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }, req: RequestWithBody) => {
      const body = req.body ?? {}
      const user = body.grant_type === 'refresh_token' ? this.#refresh.get(String(body.refresh_token)) : this.#codes.get(String(body.code))
      // A unique claim per token: two tokens minted in the same second still differ.
      const uid = randomUUID()
      token.payload.uid = uid
      if (user) {
        token.payload.sub = user.sub
        this.#tokens.set(uid, user)
      }
    })
    service.on('beforeResponse', (response: { body: Record<string, unknown> | ''; statusCode: number }, req: RequestWithBody) => {
      const body = req.body ?? {}
      this.tokenRequests.push({ ...body })
      if (typeof response.body !== 'object' || response.statusCode !== 200) return
      const user = body.grant_type === 'refresh_token' ? this.#refresh.get(String(body.refresh_token)) : this.#codes.get(String(body.code))
      if (body.grant_type === 'authorization_code') this.#codes.delete(String(body.code))
      if (!this.refreshTokens) delete response.body.refresh_token
      else if (user && typeof response.body.refresh_token === 'string') this.#refresh.set(response.body.refresh_token, user)
    })
    service.on('beforeUserinfo', (response: { body: Record<string, unknown> | ''; statusCode: number }, req: IncomingMessage) => {
      const user = this.#bearerUser(req)
      if (!user) {
        response.statusCode = 401
        response.body = { error: 'invalid_token' }
        return
      }
      const body: Record<string, unknown> = { sub: user.sub }
      if (user.email !== undefined) body.email = user.email
      if (user.email_verified !== undefined) body.email_verified = user.email_verified
      if (user.name !== undefined) body.name = user.name
      response.body = body
    })
  }

  #bearerUser(req: IncomingMessage): ProviderUser | undefined {
    const auth = req.headers.authorization ?? ''
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    const payload = token.split('.')[1]
    if (!payload) return undefined
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { uid?: string }
      return claims.uid ? this.#tokens.get(claims.uid) : undefined
    } catch {
      return undefined
    }
  }
}

/** The providers every suite configures: generic `mock` (discovery) and the `google` preset with endpoint overrides. */
export function providerOptions(p: MockProvider): AccountsOptions['oauth2'] {
  return {
    mock: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: p.issuer },
    google: { clientId: `${CLIENT_ID}-google`, clientSecret: CLIENT_SECRET, ...p.endpoints() },
  }
}

export interface RunningApp {
  app: Express
  accounts: ExpressAccounts
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** `<origin>/v1` (the SDK endpoint) */
  endpoint: string
  close(): Promise<void>
}

/** `makeApp()` (router at /v1) with the two providers, listening on 127.0.0.1. */
export async function startApp(p: MockProvider, options: AccountsOptions = {}): Promise<RunningApp> {
  const { app, accounts } = makeApp({ allowedRedirectOrigins: [APP_ORIGIN], oauth2: providerOptions(p), ...options })
  return listen(app, accounts)
}

export async function listen(app: Express, accounts: ExpressAccounts): Promise<RunningApp> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    app,
    accounts,
    origin,
    endpoint: `${origin}/v1`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// The browser's cookie jar: the start route sets a binding cookie (`a_oauth2_<project>_*`, or
// the passport app's express-session `sid`), the callback must bring it back (login-CSRF
// defence). Account session cookies (`a_session_*`) are passed explicitly by the tests.
const jar = new Map<string, Map<string, string>>()

/** Forget the binding cookies: the next requests come from another browser. */
export function otherBrowser(): void {
  jar.clear()
}

/** GET without following redirects, as one browser (binding cookies kept per host). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  // Cookies are per host name, whatever the port (as in a browser).
  const host = new URL(url).hostname
  const kept = jar.get(host)
  const sent = { ...headers }
  if (kept && kept.size > 0) {
    const extra = [...kept].map(([k, v]) => `${k}=${v}`).join('; ')
    const key = Object.keys(sent).find((k) => k.toLowerCase() === 'cookie')
    if (key) sent[key] = `${sent[key]}; ${extra}`
    else sent.Cookie = extra
  }
  const res = await fetch(url, { redirect: 'manual', headers: sent })
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const i = pair!.indexOf('=')
    const name = pair!.slice(0, i).trim()
    if (name.startsWith('a_session_')) continue
    const cookies = jar.get(host) ?? new Map<string, string>()
    jar.set(host, cookies)
    const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || pair!.slice(i + 1) === ''
    if (expired) cookies.delete(name)
    else cookies.set(name, pair!.slice(i + 1))
  }
  return res
}

/** The Location of a 302 (asserts the status). */
export function location(res: Response, status = 302): URL {
  assert.equal(res.status, status, `expected ${status}, got ${res.status} (Location: ${res.headers.get('location')})`)
  const loc = res.headers.get('location')
  assert.ok(loc, 'Location header')
  return new URL(loc)
}

/** The decoded value of a Set-Cookie named `name`, or undefined. */
export function setCookie(res: Response, name = COOKIE): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const i = pair!.indexOf('=')
    if (pair!.slice(0, i).trim() === name) return decodeURIComponent(pair!.slice(i + 1))
  }
  return undefined
}

/** The `error` JSON a failure redirect carries. */
export function failureError(url: URL): { message: string; type: string; code: number } {
  const raw = url.searchParams.get('error')
  assert.ok(raw, `failure URL carries ?error=… (${url.href})`)
  return JSON.parse(raw) as { message: string; type: string; code: number }
}

export interface Flow {
  /** Where our start route sent the browser (the provider's authorize URL). */
  authorize: URL
  /** Where the provider sent the browser back (our callback, with code and state). */
  callback: URL
  /** Our callback's answer. */
  final: Response
}

/**
 * A browser walking the chain: start route → provider `/authorize` (signed in as
 * `provider.user`) → our callback. Returns the callback's raw answer.
 */
export async function runFlow(startUrl: string, headers: Record<string, string> = {}): Promise<Flow> {
  const authorize = location(await get(startUrl, headers))
  const callback = location(await get(authorize.href))
  const final = await get(callback.href)
  return { authorize, callback, final }
}

/** The session flow to completion: the session cookie value and the success URL. */
export async function signInFlow(t: RunningApp, provider = 'mock', headers: Record<string, string> = {}): Promise<{ value: string; success: URL; flow: Flow }> {
  const flow = await runFlow(`${t.endpoint}/account/sessions/oauth2/${provider}?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`, headers)
  const success = location(flow.final)
  assert.equal(`${success.origin}${success.pathname}`, SUCCESS, `went to success, not ${success.href}`)
  const value = setCookie(flow.final)
  assert.ok(value, 'session cookie set')
  return { value, success, flow }
}

/** GET a JSON route of the Account API with a session value. */
export async function api<T = Record<string, unknown>>(t: RunningApp, path: string, value: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.endpoint}${path}`, {
    ...init,
    headers: { 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Session': value, 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
}
