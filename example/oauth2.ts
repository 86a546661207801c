/**
 * OAuth2 sign-in for the example: which providers the environment configures, the callback
 * URL to register at each one, and the sign-in page's "Sign in with <provider>" links.
 *
 * - `OAUTH2_PROVIDERS`: comma-separated names, `github,google` or a name of your own.
 * - Per provider (`<NAME>` = the name upper-cased, `-` → `_`): `OAUTH2_<NAME>_CLIENT_ID` and
 *   `OAUTH2_<NAME>_CLIENT_SECRET` (required), `OAUTH2_<NAME>_ISSUER` (OpenID Connect
 *   discovery; required for a name without a preset, refused for a preset, whose endpoints are
 *   fixed) and `OAUTH2_<NAME>_SCOPES` (space-separated; default: the provider's).
 *
 * No error message repeats a client secret (or any value but a provider name).
 */
import { OAUTH2_PRESETS, type OAuth2ProviderOptions } from '../lib/index.js'
import { ExampleConfigError, oauth2EnvPrefix, setting, type ExampleEnv } from './config.js'

/** Where the router (mounted at `/v1`) starts the session flow: `<this>/<provider>`. */
const OAUTH2_START_PATH = '/v1/account/sessions/oauth2'
/** The failure page: the sign-in page with this flag; the library appends `&error=<JSON>`. */
const OAUTH2_ERROR_FLAG = 'oauth2-error'

/** What the environment says about OAuth2. */
export interface OAuth2Setting {
  /** Provider names, in `OAUTH2_PROVIDERS` order. */
  providers: string[]
  /** What `createAccounts({ oauth2 })` takes. */
  options: Record<string, OAuth2ProviderOptions>
}

/** One "Sign in with <provider>" link of the sign-in page. */
export interface OAuth2Link {
  provider: string
  /** What the button says: `GitHub` for the `github` preset, a name of your own as written. */
  label: string
  /** The start route, with `success`, `failure` and `project` in the query (not HTML-escaped yet). */
  href: string
  /** The callback URL to register at the provider. */
  callbackUrl: string
}

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/
/** RFC 6749 scope-token characters. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const VARIABLE = /^OAUTH2_(.+)_(CLIENT_ID|CLIENT_SECRET|ISSUER|SCOPES)$/

/** `<origin>/v1/account/sessions/oauth2/callback/<provider>`: register it at the provider. */
export function oauth2CallbackUrl(origin: string, provider: string): string {
  return `${origin}${OAUTH2_START_PATH}/callback/${encodeURIComponent(provider)}`
}

/**
 * Reads `OAUTH2_PROVIDERS` and each provider's variables. With a known public origin, each
 * provider's `callbackUrl` is pinned to `<PUBLIC_URL>/v1/…/callback/<provider>`: the URL sent
 * to the provider is then the one the page and the banner tell you to register, whatever
 * address the page was opened at. Variables for providers that are not listed get a warning.
 */
export function oauth2Setting(env: ExampleEnv, publicOrigin: string | null, warn: (message: string) => void): OAuth2Setting {
  const providers: string[] = []
  const prefixes = new Map<string, string>()
  for (const entry of (setting(env.OAUTH2_PROVIDERS) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const name = entry.toLowerCase()
    if (!PROVIDER_NAME.test(name)) {
      throw new ExampleConfigError(
        'OAUTH2_PROVIDERS must be a comma-separated list of provider names (1–32 characters of a-z, 0-9, _ and -, ' +
          `e.g. github,google or a name of your own); ${JSON.stringify(entry.slice(0, 40))} is not one`,
      )
    }
    if (providers.includes(name)) continue
    const prefix = oauth2EnvPrefix(name)
    const other = prefixes.get(prefix)
    if (other !== undefined) throw new ExampleConfigError(`OAUTH2_PROVIDERS: ${other} and ${name} would both read ${prefix}_*; rename one of them`)
    prefixes.set(prefix, name)
    providers.push(name)
  }

  const options: Record<string, OAuth2ProviderOptions> = {}
  for (const name of providers) options[name] = providerOptions(env, name, publicOrigin)

  for (const variable of Object.keys(env).sort()) {
    const m = VARIABLE.exec(variable)
    if (m && setting(env[variable]) !== undefined && !prefixes.has(`OAUTH2_${m[1]}`)) {
      const listed = providers.length > 0 ? `listed: ${providers.join(', ')}` : 'it is unset'
      warn(`example: ${variable} is set, but no provider in OAUTH2_PROVIDERS reads it (${listed}); it is ignored.`)
    }
  }
  return { providers, options }
}

function providerOptions(env: ExampleEnv, name: string, publicOrigin: string | null): OAuth2ProviderOptions {
  const prefix = oauth2EnvPrefix(name)
  const preset = OAUTH2_PRESETS.includes(name)
  const required = (suffix: string, what: string): string => {
    const value = setting(env[`${prefix}_${suffix}`])
    if (value === undefined) {
      throw new ExampleConfigError(`${prefix}_${suffix} is required for the ${name} provider (listed in OAUTH2_PROVIDERS): ${what}`)
    }
    return value
  }
  const clientId = required('CLIENT_ID', `the client id of the OAuth app registered at ${name}`)
  const clientSecret = required('CLIENT_SECRET', `the client secret of the OAuth app registered at ${name}`)
  const options: OAuth2ProviderOptions = { clientId, clientSecret }

  const issuer = setting(env[`${prefix}_ISSUER`])
  if (issuer !== undefined && preset) {
    throw new ExampleConfigError(
      `${prefix}_ISSUER: ${name} is a preset with fixed endpoints, so an issuer would not be used; unset it, ` +
        `or list the provider under a name of your own (e.g. OAUTH2_PROVIDERS=corp-${name} with OAUTH2_CORP_${prefix.slice(7)}_ISSUER)`,
    )
  }
  if (issuer !== undefined) {
    if (!isIssuerUrl(issuer)) {
      throw new ExampleConfigError(
        `${prefix}_ISSUER must be the provider's OpenID Connect issuer, an http(s) URL without credentials such as ` +
          'https://accounts.example.com (its endpoints come from <issuer>/.well-known/openid-configuration)',
      )
    }
    options.issuer = issuer
  } else if (!preset) {
    throw new ExampleConfigError(
      `${prefix}_ISSUER is required for the ${name} provider: ${name} has no preset (presets: ${OAUTH2_PRESETS.join(', ')}), ` +
        'so give its OpenID Connect issuer URL, e.g. https://accounts.example.com',
    )
  }

  const scopes = setting(env[`${prefix}_SCOPES`])?.split(/\s+/).filter((s) => s !== '') ?? []
  if (scopes.some((s) => !SCOPE.test(s))) {
    throw new ExampleConfigError(`${prefix}_SCOPES must be scopes separated by spaces, e.g. "openid email profile" (no quotes or backslashes)`)
  }
  if (scopes.length > 0) options.scopes = scopes
  if (publicOrigin !== null) options.callbackUrl = oauth2CallbackUrl(publicOrigin, name)
  return options
}

function isIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
  } catch {
    return false
  }
}

const PRESET_LABELS: Record<string, string> = { github: 'GitHub', google: 'Google', gitlab: 'GitLab', discord: 'Discord', microsoft: 'Microsoft' }

/**
 * The sign-in page's links. The flow comes back to `<PUBLIC_URL>/account` (the page's own
 * origin when the public one is unknown), where a session that owes its second factor is sent
 * on to the challenge; a failure comes back to the sign-in page with
 * `?oauth2-error=1&error=<JSON>`.
 */
export function oauth2Links(providers: string[], input: { project: string; pageOrigin: string; publicOrigin: string | null }): OAuth2Link[] {
  const origin = input.publicOrigin ?? input.pageOrigin
  return providers.map((provider) => {
    const query = new URLSearchParams({ success: `${origin}/account`, failure: `${origin}/?${OAUTH2_ERROR_FLAG}=1`, project: input.project })
    return {
      provider,
      label: Object.hasOwn(PRESET_LABELS, provider) ? PRESET_LABELS[provider] : provider,
      href: `${OAUTH2_START_PATH}/${encodeURIComponent(provider)}?${query}`,
      callbackUrl: oauth2CallbackUrl(origin, provider),
    }
  })
}
