import type { Request } from 'express'
import { AccountsError } from '../lib/errors.js'
import { passportRef } from '../lib/http/passport-session.js'
import { AccountsStrategy, clientOf, failure, type AccountsStrategyOptions, type Outcome } from './accounts-strategy.js'
import { optionError } from '../lib/option-errors.js'

export interface OAuth2StrategyOptions extends AccountsStrategyOptions {
  /** A provider configured in `createAccounts({ oauth2: { <provider>: … } })`. Required. */
  provider: string
  /**
   * The callback URL registered at the provider: absolute, or a path resolved against the
   * request's origin (e.g. `'/auth/github/callback'`). Required: a passport app chooses its
   * own routes. A provider's own `callbackUrl` option wins over this.
   */
  callbackUrl: string
  /** Scopes instead of the provider's defaults. */
  scopes?: string[] | undefined
  /** Strategy name for `passport.authenticate()`. Default: the provider name. */
  name?: string | undefined
}

/**
 * OAuth2 / OpenID Connect sign-in for passport apps without the router, on the same
 * passport-oauth2 strategies, single-use state + PKCE in the store, and linking rules as
 * `GET /account/sessions/oauth2/:provider` — a user already signed in through passport
 * (`req.user` with an `$id`) gets the identity attached to their account. Use it on two
 * routes: the first redirects to the provider, the callback signs in.
 */
export class OAuth2Strategy extends AccountsStrategy {
  override readonly name: string
  private readonly provider: string
  private readonly callbackUrl: string
  private readonly scopes: string[] | undefined

  constructor(options: OAuth2StrategyOptions) {
    super(options, 'OAuth2Strategy')
    if (typeof options.provider !== 'string' || !options.accounts.oauth2.names.includes(options.provider)) {
      throw optionError(options, `OAuth2Strategy: options.provider must name a provider configured in createAccounts({ oauth2 }) (have: ${options.accounts.oauth2.names.join(', ') || 'none'})`)
    }
    if (typeof options.callbackUrl !== 'string' || !(options.callbackUrl.startsWith('/') || /^https?:\/\//.test(options.callbackUrl))) {
      throw optionError(options, 'OAuth2Strategy: options.callbackUrl must be an absolute http(s) URL or a path starting with /')
    }
    if (options.scopes !== undefined && (!Array.isArray(options.scopes) || options.scopes.some((s) => typeof s !== 'string'))) {
      throw optionError(options, 'OAuth2Strategy: options.scopes must be an array of strings')
    }
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw optionError(options, 'OAuth2Strategy: options.name must be a non-empty string')
    }
    this.provider = options.provider
    this.callbackUrl = options.callbackUrl
    this.scopes = options.scopes
    this.name = options.name ?? options.provider
  }

  override authenticate(req: Request): void {
    const query = (req.query ?? {}) as Record<string, unknown>
    const callbackUrl = new URL(this.callbackUrl, `${req.protocol}://${req.host || 'localhost'}`).href
    const session = (req as Request & { session?: Record<string, unknown> }).session
    if (query.code === undefined && query.error === undefined) {
      this.begin(req, session, callbackUrl).then(
        (url) => this.redirect(url),
        (err: unknown) => (err instanceof AccountsError && err.code < 500 ? this.fail(failure(err), err.code) : this.error(err as Error)),
      )
      return
    }
    this.settle(req, async (): Promise<Outcome> => {
      const { grant, context } = await this.accounts.oauth2.complete(this.provider, query, callbackUrl, 'strategy')
      // Only this flow's nonce is used up: a callback from elsewhere leaves pending flows alone.
      const kept = session ? pending(session) : {}
      const nonce = typeof context.binding === 'string' ? kept[context.binding] : undefined
      this.accounts.oauth2.checkBinding(context, nonce)
      if (session && typeof context.binding === 'string') {
        delete kept[context.binding]
        session[BINDING_KEY] = kept
      }
      return { kind: 'success', signIn: await this.accounts.oauth2.signIn(grant, context, clientOf(req)) }
    })
  }

  /**
   * The provider URL. A passport user already signed in links the identity to their account
   * (not while they still owe a second factor). The flow is bound to this browser through
   * express-session when the app has it.
   */
  private async begin(req: Request, session: Record<string, unknown> | undefined, callbackUrl: string): Promise<string> {
    const linkAccountId = this.accounts.oauth2.linkIntent(await this.signedIn(req))
    const binding = session ? this.accounts.oauth2.newBinding() : null
    // Several pending flows (tabs) per browser: nonces kept by hash, at most a few.
    if (session && binding) session[BINDING_KEY] = { ...pending(session), [binding.hash]: binding.nonce }
    const context = { provider: this.provider, mode: 'strategy' as const, success: '', failure: '', linkAccountId, binding: binding?.hash ?? null }
    return this.accounts.oauth2.authorizationUrl(this.provider, context, { scopes: this.scopes, callbackUrl })
  }

  /** Who is signed in: passport's express-session login, else what requireSession() resolved. */
  private async signedIn(req: Request) {
    const ref = passportRef(req)
    if (ref) return this.accounts.sessions.resolveById(ref.accountId, ref.sessionId)
    const current = req.accountSession
    return current ? this.accounts.sessions.resolveById(current.userId, current.$id) : null
  }
}

function pending(session: Record<string, unknown>): Record<string, string> {
  const kept = session[BINDING_KEY]
  const entries = kept && typeof kept === 'object' ? Object.entries(kept as Record<string, string>) : []
  return Object.fromEntries(entries.slice(-4))
}

/** Where the binding nonce waits in express-session between the redirect and the callback. */
const BINDING_KEY = 'expressAccountsOAuth2'
