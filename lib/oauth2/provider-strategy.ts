import OAuth2Strategy from 'passport-oauth2'
import type { Store } from '../store/store.js'
import type { OAuth2Profile, ResolvedProvider } from './providers.js'
import { OAuth2StateStore } from './state-store.js'

/** What a completed authorization code exchange yields. */
export interface OAuth2Grant {
  profile: OAuth2Profile
  accessToken: string
  refreshToken: string
  /** Epoch ms, or null when the provider did not say. */
  accessTokenExpiry: number | null
}

/** A passport-oauth2 strategy that loads the profile through the provider's mapper. */
class ProviderStrategy extends OAuth2Strategy {
  // Not a #private field: passport (and OAuth2.drive) run each request on Object.create(strategy).
  private readonly provider: ResolvedProvider

  constructor(provider: ResolvedProvider, options: OAuth2Strategy.StrategyOptionsWithRequest, verify: OAuth2Strategy.VerifyFunctionWithRequest) {
    super(options, verify)
    this.provider = provider
    this.name = provider.name
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: OAuth2Profile) => void): void {
    this.provider.loadProfile(accessToken).then(
      (profile) => {
        if (!profile.id) return done(new Error(`${this.provider.name}: the user info has no user id`))
        // The uid keys the identity claim (hashed as UTF-8, where a lone surrogate collapses
        // into U+FFFD and two uids would share one claim): refused, not repaired.
        if (!profile.id.isWellFormed()) return done(new Error(`${this.provider.name}: the user id is not a well-formed string`))
        // The email and name are the provider user's own words: a lone surrogate in the name
        // is repaired, an email with one is not an address we can use.
        done(null, { ...profile, email: profile.email.isWellFormed() ? profile.email : '', emailVerified: profile.emailVerified && profile.email.isWellFormed(), name: profile.name.toWellFormed() })
      },
      (err: unknown) => done(err),
    )
  }

  /** Trades a refresh token for a new access token (used when a session is extended). */
  refresh(refreshToken: string, now: number): Promise<Omit<OAuth2Grant, 'profile'>> {
    return new Promise((resolve, reject) => {
      this._oauth2.getOAuthAccessToken(refreshToken, { grant_type: 'refresh_token' }, (err, accessToken, newRefresh, params) => {
        if (err || !accessToken || !wellFormedTokens(accessToken, newRefresh)) return reject(new Error(`${this.provider.name}: token refresh failed`))
        resolve({ accessToken, refreshToken: newRefresh || refreshToken, accessTokenExpiry: expiry(params, now) })
      })
    })
  }
}

/**
 * Builds the passport-oauth2 strategy for a provider: PKCE (S256) and state on every flow,
 * state kept single-use in the Store. The verify step only packages the grant; what to do
 * with it (linking, sessions) is decided by the caller, which knows the flow's context.
 */
export function createProviderStrategy(provider: ResolvedProvider, store: Store, now: () => number): ProviderStrategy {
  return new ProviderStrategy(
    provider,
    {
      authorizationURL: provider.authorizationUrl,
      tokenURL: provider.tokenUrl,
      clientID: provider.clientId,
      clientSecret: provider.clientSecret,
      scope: provider.scopes,
      pkce: true,
      state: true,
      store: new OAuth2StateStore(store, provider.name) as unknown as OAuth2Strategy.StateStore,
      passReqToCallback: true,
    },
    (_req, accessToken, refreshToken, params, profile, done) => {
      // Stored on the session and in token data: the store must be able to read them back.
      if (!wellFormedTokens(accessToken, refreshToken)) return done(new Error(`${provider.name}: the provider's tokens are not well-formed strings`))
      const grant: OAuth2Grant = { profile: profile as OAuth2Profile, accessToken, refreshToken: refreshToken ?? '', accessTokenExpiry: expiry(params, now()) }
      done(null, grant)
    },
  )
}

export type { ProviderStrategy }

function wellFormedTokens(...tokens: Array<string | undefined>): boolean {
  return tokens.every((t) => t === undefined || t === null || (typeof t === 'string' && t.isWellFormed()))
}

function expiry(params: unknown, now: number): number | null {
  const seconds = Number((params as { expires_in?: unknown } | undefined)?.expires_in)
  return Number.isFinite(seconds) && seconds > 0 ? now + seconds * 1000 : null
}
