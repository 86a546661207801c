/**
 * OAuth2 / OpenID Connect providers: the presets we ship and the generic one, reduced to
 * the endpoints and a profile mapper. `oauth2-strategy.ts` turns each into a
 * passport-oauth2 strategy.
 */
import { DiscoveryDocumentError } from './provider-failure.js'

/** What every provider's user info is reduced to. */
export interface OAuth2Profile {
  /** The provider's stable user id. */
  id: string
  email: string
  /** Whether the provider vouches that the user controls `email`. Only then can it link to an existing account. */
  emailVerified: boolean
  name: string
}

/** Options for one configured provider (`createAccounts({ oauth2: { github: {…} } })`). */
export interface OAuth2ProviderOptions {
  clientId: string
  clientSecret: string
  /** Scopes asked for by default; a request's `scopes[]` replaces them. Default: the preset's. */
  scopes?: string[] | undefined
  /**
   * The callback URL registered at the provider. Default: derived from the request,
   * `<origin><mount>/account/sessions/oauth2/callback/<provider>` (set Express' `trust proxy`
   * behind a proxy, or give it here).
   */
  callbackUrl?: string | undefined
  /** Overrides of the preset's endpoints (self-hosted GitLab, GitHub Enterprise, tests). */
  authorizationUrl?: string | undefined
  tokenUrl?: string | undefined
  userInfoUrl?: string | undefined
  /** OpenID Connect issuer: endpoints come from its discovery document (generic provider). */
  issuer?: string | undefined
  /** Maps the raw user info to a profile (generic provider; presets have their own). */
  profile?: ((userInfo: Record<string, unknown>) => OAuth2Profile) | undefined
}

export interface ResolvedProvider {
  name: string
  clientId: string
  clientSecret: string
  scopes: string[]
  callbackUrl: string | null
  authorizationUrl: string
  tokenUrl: string
  userInfoUrl: string
  /** Loads and maps the profile with an access token. */
  loadProfile: (accessToken: string) => Promise<OAuth2Profile>
}

interface Preset {
  authorizationUrl: string
  tokenUrl: string
  userInfoUrl: string
  scopes: string[]
  load: (get: JsonGetter, userInfoUrl: string) => Promise<OAuth2Profile>
}

type JsonGetter = (url: string) => Promise<unknown>

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

/** Standard OIDC claims: `sub`, `email`, `email_verified`, `name`. */
function oidcProfile(info: Record<string, unknown>): OAuth2Profile {
  return {
    id: str(info.sub ?? info.id),
    email: str(info.email).toLowerCase(),
    emailVerified: info.email_verified === true || info.email_verified === 'true',
    name: str(info.name ?? info.preferred_username),
  }
}

const PRESETS: Record<string, Preset> = {
  github: {
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    userInfoUrl: 'https://api.github.com/user',
    scopes: ['read:user', 'user:email'],
    // GitHub's /user shows only a public email and no verification flag: the verified
    // primary address comes from /user/emails.
    async load(get, userInfoUrl) {
      const user = (await get(userInfoUrl)) as Record<string, unknown>
      const emails = (await get(`${userInfoUrl.replace(/\/$/, '')}/emails`).catch(() => [])) as Array<Record<string, unknown>>
      const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true) : undefined
      return {
        id: str(user.id),
        email: str(primary?.email ?? user.email).toLowerCase(),
        emailVerified: primary?.verified === true,
        name: str(user.name ?? user.login),
      }
    },
  },
  google: {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    scopes: ['openid', 'email', 'profile'],
    load: async (get, url) => oidcProfile((await get(url)) as Record<string, unknown>),
  },
  gitlab: {
    authorizationUrl: 'https://gitlab.com/oauth/authorize',
    tokenUrl: 'https://gitlab.com/oauth/token',
    userInfoUrl: 'https://gitlab.com/oauth/userinfo',
    scopes: ['openid', 'email', 'profile'],
    load: async (get, url) => oidcProfile((await get(url)) as Record<string, unknown>),
  },
  discord: {
    authorizationUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: 'https://discord.com/api/oauth2/token',
    userInfoUrl: 'https://discord.com/api/users/@me',
    scopes: ['identify', 'email'],
    async load(get, url) {
      const user = (await get(url)) as Record<string, unknown>
      return { id: str(user.id), email: str(user.email).toLowerCase(), emailVerified: user.verified === true, name: str(user.global_name ?? user.username) }
    },
  },
  microsoft: {
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoUrl: 'https://graph.microsoft.com/oidc/userinfo',
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    // Entra ID lets tenant admins set any email on an account and sends no reliable
    // verification flag, so a Microsoft email is never treated as verified (no linking by
    // email: the "nOAuth" account-takeover pattern).
    async load(get, url) {
      return { ...oidcProfile((await get(url)) as Record<string, unknown>), emailVerified: false }
    },
  },
}

/** Names with a preset: configuring one needs only `clientId` and `clientSecret`. */
export const PRESET_NAMES = Object.keys(PRESETS)

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/

/**
 * Validates one provider's options (TypeErrors name the option, right away) and fills in
 * the preset. A provider that needs OpenID Connect discovery comes back as a function that
 * fetches the issuer's document when first called — never at construction, so an issuer
 * that is down when the app boots cannot take the process with it.
 */
export function resolveProvider(name: string, options: OAuth2ProviderOptions, fetchJson: (url: string, token?: string) => Promise<unknown>): ResolvedProvider | (() => Promise<ResolvedProvider>) {
  const at = `options.oauth2.${name}`
  if (!PROVIDER_NAME.test(name)) throw new TypeError(`${at}: provider names are 1–32 chars of a-z, 0-9, _ and -`)
  if (!options || typeof options !== 'object') throw new TypeError(`${at} must be an object { clientId, clientSecret, … }`)
  for (const key of ['clientId', 'clientSecret'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') throw new TypeError(`${at}.${key} must be a non-empty string`)
  }
  for (const key of ['callbackUrl', 'authorizationUrl', 'tokenUrl', 'userInfoUrl', 'issuer'] as const) {
    if (options[key] !== undefined && !isHttpUrl(options[key])) throw new TypeError(`${at}.${key} must be an absolute http(s) URL`)
  }
  if (options.scopes !== undefined && (!Array.isArray(options.scopes) || options.scopes.some((s) => typeof s !== 'string'))) {
    throw new TypeError(`${at}.scopes must be an array of strings`)
  }
  if (options.profile !== undefined && typeof options.profile !== 'function') throw new TypeError(`${at}.profile must be a function`)
  const preset = PRESETS[name]
  const generic = !preset
  if (generic && !options.issuer && !(options.authorizationUrl && options.tokenUrl && options.userInfoUrl)) {
    throw new TypeError(`${at}: '${name}' has no preset; give issuer (OpenID Connect discovery) or authorizationUrl, tokenUrl and userInfoUrl`)
  }
  const mapProfile = options.profile ?? oidcProfile
  const build = (endpoints: { authorizationUrl: string; tokenUrl: string; userInfoUrl: string }, scopes: string[]): ResolvedProvider => {
    return {
      name,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: options.scopes ?? scopes,
      callbackUrl: options.callbackUrl ?? null,
      ...endpoints,
      loadProfile: async (accessToken) => {
        const getJson: JsonGetter = (url) => fetchJson(url, accessToken)
        if (preset && !options.profile) return preset.load(getJson, endpoints.userInfoUrl)
        return mapProfile((await getJson(endpoints.userInfoUrl)) as Record<string, unknown>)
      },
    }
  }
  const overrides = {
    authorizationUrl: options.authorizationUrl ?? preset?.authorizationUrl,
    tokenUrl: options.tokenUrl ?? preset?.tokenUrl,
    userInfoUrl: options.userInfoUrl ?? preset?.userInfoUrl,
  }
  if (overrides.authorizationUrl && overrides.tokenUrl && overrides.userInfoUrl) {
    return build(overrides as { authorizationUrl: string; tokenUrl: string; userInfoUrl: string }, preset?.scopes ?? ['openid', 'email', 'profile'])
  }
  // Discovery: the issuer's document names the endpoints the options left out.
  return () => fetchJson(`${options.issuer!.replace(/\/$/, '')}/.well-known/openid-configuration`).then((doc) => {
    const d = doc as Record<string, unknown>
    const endpoints = {
      authorizationUrl: overrides.authorizationUrl ?? str(d.authorization_endpoint),
      tokenUrl: overrides.tokenUrl ?? str(d.token_endpoint),
      userInfoUrl: overrides.userInfoUrl ?? str(d.userinfo_endpoint),
    }
    if (!isHttpUrl(endpoints.authorizationUrl) || !isHttpUrl(endpoints.tokenUrl) || !isHttpUrl(endpoints.userInfoUrl)) {
      throw new DiscoveryDocumentError(`${at}: the issuer's discovery document lacks authorization, token or userinfo endpoints`)
    }
    return build(endpoints, preset?.scopes ?? ['openid', 'email', 'profile'])
  })
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
