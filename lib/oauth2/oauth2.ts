import type { Core } from '../core/core.js'
import type { Mfa } from '../mfa/mfa.js'
import { AccountsError } from '../errors.js'
import { randomBytes } from 'node:crypto'
import { safeEqual, sha256Hex } from '../secrets.js'
import { assertStorable } from '../storable.js'
import type { Authenticated, ClientContext, SignIn } from '../core/sessions.js'
import type { SessionRecord } from '../store/store.js'
import { linkGrant, type Linked } from './link.js'
import { discoveryFailure, ProviderHttpError } from './provider-failure.js'
import { createProviderStrategy, type OAuth2Grant, type ProviderStrategy } from './provider-strategy.js'
import { PRESET_NAMES, resolveProvider, type OAuth2ProviderOptions, type ResolvedProvider } from './providers.js'
import type { OAuth2Context } from './state-store.js'
import * as v from '../validate.js'

/** What a passport-oauth2 strategy run ends in, captured instead of sent. */
type Run =
  | { kind: 'redirect'; url: string }
  | { kind: 'success'; grant: OAuth2Grant; context: OAuth2Context }
  | { kind: 'fail'; message: string; status: number }

/** A minimal request for passport-oauth2: only the query matters (callback URLs are absolute). */
interface FakeRequest {
  query: Record<string, string>
  body: Record<string, string>
  headers: Record<string, string>
}

/**
 * OAuth2 / OpenID Connect sign-in on passport-oauth2 strategies (one per configured
 * provider). The router and `OAuth2Strategy` both call it; linking rules live in `link.ts`.
 */
export class OAuth2 {
  readonly #core: Core
  readonly #mfa: Mfa
  readonly #options: Record<string, OAuth2ProviderOptions>
  readonly #providers = new Map<string, Promise<{ provider: ResolvedProvider; strategy: ProviderStrategy }>>()

  /** `mfa` gates the sign-in of an account whose session still needs a second factor. */
  constructor(core: Core, deps: { mfa: Mfa }) {
    this.#core = core
    this.#mfa = deps.mfa
    const providers = core.options.oauth2
    this.#options = providers
    // Check every provider's options now (TypeErrors at construction); discovery waits for first use.
    for (const [name, options] of Object.entries(providers)) {
      const resolved = resolveProvider(name, options, (url, token) => fetchJson(url, token))
      if (typeof resolved !== 'function') this.#providers.set(name, Promise.resolve(this.#build(resolved)))
    }
  }

  /** Configured provider names. */
  get names(): string[] {
    return Object.keys(this.#options)
  }

  /** The provider and its strategy; `400 project_provider_unsupported` / `412 project_provider_disabled`. */
  async provider(name: string): Promise<{ provider: ResolvedProvider; strategy: ProviderStrategy }> {
    const options = this.#options[name]
    if (!options || !Object.hasOwn(this.#options, name)) {
      if (PRESET_NAMES.includes(name)) throw new AccountsError('project_provider_disabled', `The ${name} OAuth2 provider is not configured for this project.`)
      throw new AccountsError('project_provider_unsupported', `Unsupported OAuth2 provider: ${name.slice(0, 40)}`)
    }
    let entry = this.#providers.get(name)
    if (!entry) {
      const resolved = resolveProvider(name, options, (url, token) => fetchJson(url, token))
      entry = (typeof resolved === 'function' ? resolved() : Promise.resolve(resolved)).then(
        (p) => this.#build(p),
        (err: unknown) => {
          throw discoveryFailure(name, err)
        },
      )
      // A failed discovery is retried on the next request rather than cached.
      entry.catch(() => this.#providers.delete(name))
      this.#providers.set(name, entry)
    }
    return entry
  }

  /**
   * Which account a flow started by this caller links to. A session that still owes its
   * second factor may not link anything: a linked provider login would then sign in without
   * that factor (an MFA bypass for anyone holding only the password).
   */
  linkIntent(auth: Authenticated | null): string | null {
    if (!auth) return null
    if (this.#mfa.needsMoreFactors(auth.account, auth.session)) throw new AccountsError('user_more_factors_required')
    return auth.account.id
  }

  /** A fresh browser-binding nonce and the hash the context keeps of it. */
  newBinding(): { nonce: string; hash: string } {
    const nonce = randomBytes(24).toString('base64url')
    return { nonce, hash: sha256Hex(nonce) }
  }

  /** Whether the browser that finishes an OAuth2 flow is the one that started it (the binding cookie's nonce). */
  bindingMatches(context: OAuth2Context, nonce: unknown): boolean {
    // A state saved before binding existed has no `binding` field: treated as unbound.
    if (typeof context.binding !== 'string') return true
    return typeof nonce === 'string' && safeEqual(sha256Hex(nonce), context.binding)
  }

  /** Throws unless the callback came from the browser that started the flow. */
  checkBinding(context: OAuth2Context, nonce: unknown): void {
    if (!this.bindingMatches(context, nonce)) {
      throw new AccountsError('user_oauth2_bad_request', 'This sign-in was started in another browser. Start it again here.')
    }
  }

  /** The provider URL to send the browser to; the context is kept single-use in the store. */
  async authorizationUrl(name: string, context: OAuth2Context, opts: { scopes?: string[]; callbackUrl: string }): Promise<string> {
    const { provider, strategy } = await this.provider(name)
    const run = await drive(strategy, { query: {}, body: {}, headers: {} }, {
      state: context,
      scope: opts.scopes && opts.scopes.length > 0 ? opts.scopes : provider.scopes,
      callbackURL: provider.callbackUrl ?? opts.callbackUrl,
    })
    if (run.kind !== 'redirect') throw new Error(`OAuth2 ${name}: expected a redirect to the provider`)
    return run.url
  }

  /**
   * Finishes the provider's callback: checks and consumes the state, trades the code (with
   * the PKCE verifier) for tokens, loads the profile. Throws `user_oauth2_*` errors.
   */
  async complete(name: string, query: Record<string, unknown>, callbackUrl: string, via: 'router' | 'strategy'): Promise<{ grant: OAuth2Grant; context: OAuth2Context }> {
    const { provider, strategy } = await this.provider(name)
    const q: Record<string, string> = {}
    for (const key of ['code', 'state', 'error', 'error_description']) {
      const value = query[key]
      // Sent on to the provider (a lone surrogate can't be URL-encoded) or used as a store key.
      if (typeof value === 'string') q[key] = v.wellFormed(key, value)
    }
    if (q.error) throw new AccountsError('user_oauth2_provider_error', `The ${name} provider refused: ${(q.error_description ?? q.error).slice(0, 200)}`)
    if (!q.code) throw new AccountsError('user_oauth2_bad_request', 'The provider sent no authorization code.')
    let run: Run
    try {
      run = await drive(strategy, { query: q, body: {}, headers: {} }, { callbackURL: provider.callbackUrl ?? callbackUrl })
    } catch (err) {
      throw new AccountsError('user_oauth2_provider_error', `The ${name} provider could not complete the sign-in: ${(err as Error)?.message ?? 'unknown error'}`)
    }
    if (run.kind === 'success') {
      // A state only completes where it was minted: router flows at the router's callback,
      // OAuth2Strategy flows at the app's callback (each knows what to do with the result).
      if ((run.context.mode === 'strategy') !== (via === 'strategy')) {
        throw new AccountsError('user_oauth2_bad_request', 'This OAuth2 state belongs to another sign-in flow.')
      }
      return { grant: run.grant, context: run.context }
    }
    throw new AccountsError('user_oauth2_bad_request', run.kind === 'fail' ? run.message : 'Unexpected OAuth2 answer.')
  }

  /** Applies the linking rules and signs the account in (session provider = provider name). */
  async signIn(grant: OAuth2Grant, context: Pick<OAuth2Context, 'provider' | 'linkAccountId'>, client: ClientContext = {}): Promise<SignIn> {
    const linked = await this.link(grant, context)
    return this.#core.sessions.create(linked.account, sessionOrigin(context.provider, grant), client)
  }

  /**
   * Token mode: a single-use secret for `POST /account/sessions/token`, carrying the session
   * fields the sign-in will have.
   */
  async issueToken(grant: OAuth2Grant, context: Pick<OAuth2Context, 'provider' | 'linkAccountId'>): Promise<{ userId: string; secret: string }> {
    const { account } = await this.link(grant, context)
    const origin = sessionOrigin(context.provider, grant)
    const { secret } = await this.#core.tokens.issue(account.id, 'oauth2', {
      ttl: this.#core.options.tokenLifetimes.oauth2,
      data: {
        provider: origin.provider,
        providerUid: origin.providerUid,
        providerAccessToken: origin.providerAccessToken,
        providerAccessTokenExpiry: origin.providerAccessTokenExpiry,
        providerRefreshToken: origin.providerRefreshToken,
      },
    })
    return { userId: account.id, secret }
  }

  /** The linking rules alone (see `link.ts`). */
  link(grant: OAuth2Grant, context: Pick<OAuth2Context, 'provider' | 'linkAccountId'>): Promise<Linked> {
    return linkGrant(this.#core, context.provider, grant, context.linkAccountId)
  }

  /**
   * For `PATCH /account/sessions/:id`: a session from a provider that gave a refresh token
   * gets a fresh access token. Sessions of other kinds come back unchanged.
   */
  async refreshSession(session: SessionRecord): Promise<SessionRecord> {
    if (!session.providerRefreshToken || !Object.hasOwn(this.#options, session.provider)) return session
    const { strategy } = await this.provider(session.provider)
    const fresh = await strategy.refresh(session.providerRefreshToken, this.#core.options.clock.now()).catch(() => null)
    if (!fresh) throw new AccountsError('user_oauth2_provider_error', `The ${session.provider} provider refused to refresh the access token.`)
    const next: SessionRecord = {
      ...session,
      providerAccessToken: fresh.accessToken,
      providerRefreshToken: fresh.refreshToken,
      providerAccessTokenExpiry: fresh.accessTokenExpiry,
      updatedAt: this.#core.options.clock.now(),
    }
    assertStorable(next, session)
    const ttl = Math.max(1, next.expiresAt - this.#core.options.clock.now())
    if (!(await this.#core.store.replaceSession(next, ttl))) throw new AccountsError('user_session_not_found')
    return next
  }

  #build(provider: ResolvedProvider) {
    return { provider, strategy: createProviderStrategy(provider, this.#core.store, () => this.#core.options.clock.now()) }
  }
}

/** The session fields an OAuth2 sign-in sets (wire reference §2.4: factors `email`, `oauth2`). */
function sessionOrigin(provider: string, grant: OAuth2Grant) {
  return {
    provider,
    providerUid: grant.profile.id,
    factors: ['email', 'oauth2'],
    providerAccessToken: grant.accessToken,
    providerAccessTokenExpiry: grant.accessTokenExpiry,
    providerRefreshToken: grant.refreshToken,
  }
}

/** Runs a passport strategy once on a request and captures how it ends. */
function drive(strategy: ProviderStrategy, req: FakeRequest, options: Record<string, unknown>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const run = Object.create(strategy) as ProviderStrategy & Record<string, unknown>
    run.redirect = (url: string) => resolve({ kind: 'redirect', url })
    run.success = (grant: OAuth2Grant, info: { state?: OAuth2Context }) => {
      if (!info?.state) return reject(new Error('OAuth2 state context missing'))
      resolve({ kind: 'success', grant, context: info.state })
    }
    run.fail = (challenge: { message?: string } | undefined, status?: number) =>
      resolve({ kind: 'fail', message: challenge?.message ?? 'OAuth2 sign-in failed.', status: status ?? 401 })
    run.error = (err: Error) => reject(err)
    run.pass = () => reject(new Error('OAuth2 strategy passed'))
    run.authenticate(req as never, options)
  })
}

/** GET a JSON document, optionally with a bearer token; 10 s timeout. */
async function fetchJson(url: string, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'express-accounts' }
  if (token) headers.Authorization = `Bearer ${token}`
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000), redirect: 'error' })
  if (!res.ok) throw new ProviderHttpError(new URL(url).host, res.status)
  return res.json()
}
