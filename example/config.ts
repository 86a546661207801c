/**
 * The example's environment: what each variable means, its default, and the one-line error a
 * bad value stops the boot with. Pure functions, no side effects, so `server.ts` can import
 * this before the app exists.
 */
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'

/** What the example reads from the environment. Every variable is optional; empty = unset. */
export interface ExampleEnv {
  /** Port `server.ts` listens on; `0` = any free port. Default 3000. */
  PORT?: string
  /** `redis://…` → `RedisStore({ url })`. Unset → `MemoryStore` (lost on restart). */
  REDIS_URL?: string
  /** Appwrite project id, what SDKs pass to `setProject()`. Default `demo`. */
  ACCOUNTS_PROJECT?: string
  /** A server key (≥ 16 characters) for `X-Appwrite-Key` / node-appwrite's `setKey()`. Default: none. */
  ACCOUNTS_API_KEY?: string
  /** ≥ 32 bytes; keys token hashes (and JWTs). Unset → a random one per boot, with a warning (required in production). */
  ACCOUNTS_SECRET?: string
  /** Comma-separated origins allowed in redirect URLs (magic URL, recovery, verification), besides loopback hosts. */
  ACCOUNTS_REDIRECT_ORIGINS?: string
  /** The origin people reach this app at. Default `http://localhost:<PORT>` (unknown with `PORT=0`). */
  PUBLIC_URL?: string
  /** `smtp://` / `smtps://` URL → email goes out through `SmtpMailer`. Unset → printed to the console. */
  SMTP_URL?: string
  /** Sender of SMTP mail. Default `"<project>" <no-reply@localhost>`. */
  SMTP_FROM?: string
  /** `http(s)://` URL → SMS are POSTed there as `{to, body}` JSON (`WebhookSmsSender`). Unset → printed to the console. */
  SMS_WEBHOOK_URL?: string
  /**
   * Comma-separated OAuth2 provider names (`github,google`, or a name of your own). Each reads
   * `OAUTH2_<NAME>_CLIENT_ID`, `_CLIENT_SECRET`, `_ISSUER` and `_SCOPES` (see `example/oauth2.ts`).
   */
  OAUTH2_PROVIDERS?: string
  /**
   * Express' `trust proxy`: which proxies may say who the client is (`X-Forwarded-For`,
   * `-Proto`, `-Host`). `true` (trust every hop), a hop count (`1` = one proxy in front), or a
   * comma-separated list of addresses, CIDR subnets and the names `loopback`, `linklocal`,
   * `uniquelocal`. Unset or `false`: none (clients connect directly). Behind a proxy, leaving it
   * unset makes every client share the proxy's per-IP limits.
   */
  TRUST_PROXY?: string
  NODE_ENV?: string
  [name: string]: string | undefined
}

/** A setting in the environment is wrong; the message names the variable and what it needs. */
export class ExampleConfigError extends Error {
  override readonly name = 'ExampleConfigError'
}

export const DEFAULT_PROJECT = 'demo'
const DEFAULT_PORT = 3000
const MIN_API_KEY_CHARS = 16
const MIN_SECRET_BYTES = 32

/** `undefined` for an unset or empty variable. */
export function setting(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

export function parsePort(value: string | undefined): number {
  const raw = setting(value)
  if (raw === undefined) return DEFAULT_PORT
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
  if (!(port >= 0 && port <= 65535)) throw new ExampleConfigError(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(raw)})`)
  return port
}

export function apiKeySetting(env: ExampleEnv): string | undefined {
  const apiKey = setting(env.ACCOUNTS_API_KEY)
  if (apiKey !== undefined && apiKey.length < MIN_API_KEY_CHARS) {
    throw new ExampleConfigError(
      `ACCOUNTS_API_KEY must be at least ${MIN_API_KEY_CHARS} characters (it has ${apiKey.length}); ` +
        'make one with `openssl rand -hex 24`, or unset it to run without a server key',
    )
  }
  return apiKey
}

export function secretSetting(env: ExampleEnv, warn: (message: string) => void): string {
  const secret = setting(env.ACCOUNTS_SECRET)
  if (secret !== undefined) {
    const bytes = Buffer.byteLength(secret)
    if (bytes < MIN_SECRET_BYTES) {
      throw new ExampleConfigError(
        `ACCOUNTS_SECRET must be at least ${MIN_SECRET_BYTES} bytes (it has ${bytes}); make one with \`openssl rand -base64 48\``,
      )
    }
    return secret
  }
  if (env.NODE_ENV === 'production') {
    throw new ExampleConfigError('ACCOUNTS_SECRET is required when NODE_ENV=production (at least 32 bytes, e.g. `openssl rand -base64 48`)')
  }
  warn(
    'example: ACCOUNTS_SECRET is not set; using a random secret for this boot. Codes and links sent now stop ' +
      'working after a restart. Set ACCOUNTS_SECRET (e.g. `openssl rand -base64 48`) to keep them.',
  )
  return randomBytes(MIN_SECRET_BYTES).toString('base64url')
}

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal']

/** `TRUST_PROXY` → the value for `app.set('trust proxy', …)`; see `ExampleEnv.TRUST_PROXY`. */
export function trustProxySetting(env: ExampleEnv): boolean | number | string {
  const raw = setting(env.TRUST_PROXY?.trim())
  if (raw === undefined || raw === 'false') return false
  if (raw === 'true') return true
  if (/^\d{1,3}$/.test(raw)) return Number(raw)
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '')
  const bad = entries.find((e) => !TRUST_PROXY_NAMES.includes(e) && !isAddressOrSubnet(e))
  if (bad !== undefined || entries.length === 0) {
    throw new ExampleConfigError(
      'TRUST_PROXY must be true, false, a hop count like 1, or a comma-separated list of addresses, CIDR subnets and ' +
        `${TRUST_PROXY_NAMES.join(' / ')} (e.g. loopback,10.0.0.0/8); ${JSON.stringify((bad ?? raw).slice(0, 100))} is not one`,
    )
  }
  return entries.join(',')
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, bits, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  if (bits === undefined) return true
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

/** `ACCOUNTS_REDIRECT_ORIGINS`: `https://app.example.com,https://admin.example.com` → origins. */
export function redirectOriginsSetting(env: ExampleEnv): string[] {
  const raw = setting(env.ACCOUNTS_REDIRECT_ORIGINS)
  if (raw === undefined) return []
  const origins: string[] = []
  for (const entry of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const origin = originOf(entry)
    if (origin === null) {
      throw new ExampleConfigError(
        `ACCOUNTS_REDIRECT_ORIGINS must be a comma-separated list of origins like https://app.example.com,https://admin.example.com ` +
          `(scheme http or https, no path); ${JSON.stringify(entry.slice(0, 100))} is not one`,
      )
    }
    if (!origins.includes(origin)) origins.push(origin)
  }
  return origins
}

/**
 * The origin the app is reached at: `PUBLIC_URL`, else `http://localhost:<PORT>`. Null when
 * it can't be known (`PORT=0`: the port is picked at listen time).
 */
export function publicOriginSetting(env: ExampleEnv): string | null {
  const raw = setting(env.PUBLIC_URL)
  if (raw === undefined) {
    const port = parsePort(env.PORT)
    return port === 0 ? null : `http://localhost:${port}`
  }
  const origin = originOf(raw)
  if (origin === null) {
    throw new ExampleConfigError(
      `PUBLIC_URL must be the origin this app is reached at, like https://app.example.com or http://localhost:3000 (no path); got ${JSON.stringify(raw.slice(0, 100))}`,
    )
  }
  return origin
}

/** `scheme://host[:port]` (an optional trailing `/` allowed) → its origin; anything else → null. */
function originOf(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || value.includes('?') || value.includes('#')) return null
  return url.origin
}

/** `github` → `OAUTH2_GITHUB`, `my-idp` → `OAUTH2_MY_IDP`: the prefix of a provider's variables. */
export function oauth2EnvPrefix(provider: string): string {
  return `OAUTH2_${provider.toUpperCase().replace(/-/g, '_')}`
}

const OAUTH2_SUFFIXES: Record<string, string> = { clientId: 'CLIENT_ID', clientSecret: 'CLIENT_SECRET', issuer: 'ISSUER', scopes: 'SCOPES' }

/** Rewrites the library's `options.x` wording into the environment variable that feeds it. */
export function inEnvTerms(message: string): string {
  return message
    .replace(/options\.oauth2\.([a-z0-9_-]+)\.(clientId|clientSecret|issuer|scopes)\b/, (_, name: string, key: string) => `${oauth2EnvPrefix(name)}_${OAUTH2_SUFFIXES[key]}`)
    .replace(/options\.oauth2\.(\S+?):/, 'OAUTH2_PROVIDERS ($1):')
    .replace('options.project', 'ACCOUNTS_PROJECT')
    .replace('options.apiKeys', 'ACCOUNTS_API_KEY')
    .replace('options.secret', 'ACCOUNTS_SECRET')
    .replace('options.allowedRedirectOrigins', 'ACCOUNTS_REDIRECT_ORIGINS')
    .replace('options.magicUrl', 'PUBLIC_URL')
}
