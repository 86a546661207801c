import { randomBytes } from 'node:crypto'
import type { Mailer, SmsSender, Templates } from './delivery/delivery.js'
import type { OAuth2ProviderOptions } from './oauth2/providers.js'
import { isLoopback } from './redirect-url.js'
import type { AccountRecord, SessionRecord, Store } from './store/store.js'
import { missingStoreMethod, partsInUse } from './core/store-needs.js'
import { resolveHooks, type BeforeHooks } from './core/before-hooks.js'
import { resolveSecurityLog, SECURITY_LOG_DEFAULTS, type SecurityLogOptions, type SecurityLogSettings } from './core/security-log-options.js'
import { PASSWORD_POLICY_DEFAULTS, resolvePasswordPolicy, type PasswordPolicy, type PasswordPolicyOptions } from './password-policy/resolve-password-policy.js'
import { checkingOptions } from './option-errors.js'

/** A source of the current time, epoch milliseconds. Tests may pass a fake one. */
export interface Clock {
  /** The current time, epoch milliseconds. */
  now(): number
}

/** SameSite of the session cookie. */
export type SameSite = 'lax' | 'strict' | 'none'

/** Options of `createAccounts()`. Every duration is in seconds. */
export interface AccountsOptions {
  /** Where accounts, sessions, tokens and counters live. Default: a new `MemoryStore()`. */
  store?: Store | undefined
  /**
   * Deadline for every store call, seconds (fractions allowed, 0.01–300). A call still pending
   * then fails the request with `503 store_timeout` and `Retry-After`, so a hung store never
   * holds requests open. Default 3.
   */
  storeTimeout?: number | undefined
  /** Appwrite project id; names the cookie `a_session_<project>`. Default `'default'`. */
  project?: string | undefined
  /** Human name of the project, used in messages. Default: the project id. */
  projectName?: string | undefined
  /**
   * Signs JWTs and keys the hashes of one-time codes and links, at least 32 bytes. Required
   * when NODE_ENV=production; elsewhere a random one is made per process with a warning
   * (sessions survive a restart; JWTs and outstanding codes and links do not, and processes
   * sharing a store would not accept each other's).
   */
  secret?: string | undefined
  /** Server keys accepted in `X-Appwrite-Key`. Key callers see secrets and skip rate limits. Default `[]`. */
  apiKeys?: string[] | undefined
  /** Browser origins allowed to call the router cross-site (CORS with credentials). Default `[]`. */
  allowedOrigins?: string[] | undefined
  /** Origins allowed in redirect URLs (magic URL, recovery, OAuth2), besides loopback hosts. Default `[]`. */
  allowedRedirectOrigins?: string[] | undefined
  /** Session lifetime, seconds. Default 2 592 000 (30 days). */
  sessionDuration?: number | undefined
  /** Sessions kept per account; the oldest beyond it are deleted silently. 0 = unlimited. Default 10. */
  maxSessions?: number | undefined
  /**
   * Push targets kept per account (`POST /account/targets/push`); one more answers
   * `400 user_target_limit_exceeded`. They live on the account record, which `requireSession()`
   * reads on every request, so each costs up to ~0.4 KB there. Default 20, at most 1000.
   */
  maxPushTargets?: number | undefined
  /** bcrypt cost factor (4–31). Hashes made with another cost are redone at the next sign-in. Default 12. */
  bcryptCost?: number | undefined
  /**
   * bcrypt operations (hash or check) one account system runs at once. Default: libuv's
   * thread-pool size minus one (`UV_THREADPOOL_SIZE`, 4 unless set: so 3), leaving a thread
   * for fs, dns and zlib. Raise `UV_THREADPOOL_SIZE` with it on machines with more cores.
   */
  bcryptConcurrency?: number | undefined
  /** bcrypt operations that may wait for a turn; beyond it requests answer `503 general_server_busy` with `Retry-After: 1`. Default 32. */
  bcryptQueue?: number | undefined
  /**
   * Places (running or waiting) one client — an IP address, an IPv6 /64 — may hold in that
   * queue during a sign-in; beyond it its requests answer `429 general_rate_limit_exceeded`
   * with `Retry-After: 1`. API-key callers and server code are not counted. Default 8.
   */
  bcryptPerClient?: number | undefined
  /** SameSite of the `a_session_<project>` cookie. Use `'none'` for cross-site SDK use over https. Default `'lax'`. */
  cookieSameSite?: SameSite | undefined
  /**
   * Abuse limits counted in the store: Appwrite's per-route table, re-keyed so strangers cannot
   * lock an owner out, plus per-IP and per-account failure limits (docs/security.md).
   * They apply to the router and the strategies; API-key callers skip them. Default `true`.
   */
  rateLimits?: boolean | undefined
  /** Time source. Default `Date`. */
  clock?: Clock | undefined
  /** Sends email (OTP codes, magic links, recovery, verification). None → those routes answer `503 general_smtp_disabled`. */
  mailer?: Mailer | undefined
  /** Sends SMS (phone OTP, phone verification). None → those routes answer `503 general_phone_disabled`. */
  sms?: SmsSender | undefined
  /** Per-kind overrides of the built-in email and SMS templates. Default: built-ins. */
  templates?: Templates | undefined
  /**
   * A token request (email OTP, magic URL, phone OTP) for an unknown email or phone creates
   * the account, as Appwrite does. `false`: no account is created, no message is sent, and the
   * answer looks the same. Default `true`.
   */
  passwordlessSignUp?: boolean | undefined
  /** Where magic links point when a request gives no `url`. Must pass the redirect check. Default: none (`url` then required). */
  magicUrl?: string | undefined
  /** Token lifetimes, seconds. Defaults: see `TokenLifetimes`. */
  tokenLifetimes?: Partial<TokenLifetimes> | undefined
  /**
   * Wrong codes a single 6-digit code token (email OTP, phone OTP, phone verification, MFA
   * challenge) survives; it is deleted at this many. Links (256-bit secrets) never count
   * misses. Default 5.
   */
  maxTokenFailures?: number | undefined
  /**
   * A password change (`PATCH /account/password`, `accounts.updatePassword`) ends the
   * account's other sessions, and so their JWTs; the caller's current session stays. `false`
   * keeps them. Default `true`.
   */
  invalidateSessionsOnPasswordChange?: boolean | undefined
  /**
   * Extra JWT claims, computed when a JWT is minted. `userId`, `sessionId`, `exp` and `iat`
   * are always ours and cannot be overridden. Default: none.
   */
  createJwtPayload?: ((account: AccountRecord, session: SessionRecord) => Record<string, unknown> | Promise<Record<string, unknown>>) | undefined
  /**
   * OAuth2 / OpenID Connect providers by name. Presets: github, google, gitlab, discord,
   * microsoft (only `clientId` and `clientSecret` needed); any other name is a generic
   * provider (`issuer` for discovery, or the three endpoint URLs). Default: none.
   */
  oauth2?: Record<string, OAuth2ProviderOptions> | undefined
  /**
   * The per-account security log (`GET /account/logs`): caps by count and age. Defaults:
   * 1,000 entries, 100 stranger-caused entries (failed sign-ins, token requests), 90 days.
   * See docs/security-log.md.
   */
  securityLog?: SecurityLogOptions | undefined
  /**
   * Rules for new passwords (sign-up, password change, recovery, first password): minimum
   * length 8 bytes, common-password list on, personal data on, history off. See
   * docs/password-policy.md.
   */
  passwordPolicy?: PasswordPolicyOptions | undefined
  /**
   * Before-hooks that may veto sign-up, sign-in, session creation, email and password
   * changes by throwing (an `AccountsError` reaches the client as it is). See docs/hooks.md.
   * Default: none.
   */
  hooks?: BeforeHooks | undefined
}

/** Lifetimes of single-use tokens, seconds. */
export interface TokenLifetimes {
  /** Email OTP code. Default 900 (15 min). */
  emailOtp: number
  /** Phone OTP code. Default 900 (15 min). */
  phoneOtp: number
  /** Magic URL secret. Default 3600 (1 h). */
  magicUrl: number
  /** Password recovery secret. Default 3600 (1 h). */
  recovery: number
  /** Email verification secret. Default 604 800 (7 days). */
  emailVerification: number
  /** Phone verification code. Default 900 (15 min). */
  phoneVerification: number
  /** OAuth2 token (`GET /account/tokens/oauth2/*` → `success?userId&secret`). Default 900 (15 min). */
  oauth2: number
}

/**
 * The default of every scalar option (and of each token lifetime), in one place: the TSDoc
 * above, docs/options.md's table and `resolveOptions({})` all say these. `bcryptConcurrency`
 * is not here: its default is computed from `UV_THREADPOOL_SIZE` (see the option).
 */
export const DEFAULTS = Object.freeze({
  project: 'default',
  /** Seconds. */
  storeTimeout: 3,
  /** Seconds (30 days). */
  sessionDuration: 30 * 24 * 3600,
  maxSessions: 10,
  maxPushTargets: 20,
  bcryptCost: 12,
  bcryptQueue: 32,
  bcryptPerClient: 8,
  cookieSameSite: 'lax' as SameSite,
  rateLimits: true,
  passwordlessSignUp: true,
  maxTokenFailures: 5,
  invalidateSessionsOnPasswordChange: true,
  securityLog: SECURITY_LOG_DEFAULTS,
  passwordPolicy: PASSWORD_POLICY_DEFAULTS,
  tokenLifetimes: Object.freeze({
    emailOtp: 900,
    phoneOtp: 900,
    magicUrl: 3600,
    recovery: 3600,
    emailVerification: 7 * 24 * 3600,
    phoneVerification: 900,
    oauth2: 900,
  } satisfies TokenLifetimes),
})

const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = DEFAULTS.tokenLifetimes

/** Every option resolved: no optional fields downstream. */
export interface ResolvedOptions {
  /** Seconds. */
  storeTimeout: number
  project: string
  projectName: string
  secret: Buffer
  apiKeys: string[]
  allowedOrigins: string[]
  allowedRedirectOrigins: string[]
  sessionDuration: number
  maxSessions: number
  maxPushTargets: number
  bcryptCost: number
  bcryptConcurrency: number
  bcryptQueue: number
  bcryptPerClient: number
  cookieSameSite: SameSite
  rateLimits: boolean
  clock: Clock
  mailer: Mailer | null
  sms: SmsSender | null
  templates: Templates
  passwordlessSignUp: boolean
  magicUrl: string | null
  tokenLifetimes: TokenLifetimes
  maxTokenFailures: number
  invalidateSessionsOnPasswordChange: boolean
  /** Extra JWT claims, or `null`. */
  createJwtPayload: AccountsOptions['createJwtPayload'] | null
  oauth2: Record<string, OAuth2ProviderOptions>
  securityLog: SecurityLogSettings
  passwordPolicy: PasswordPolicy
  hooks: Readonly<BeforeHooks>
}


/** libuv's thread-pool size minus one (it is read once, when the pool starts: default 4). */
function defaultBcryptConcurrency(): number {
  const pool = Number(process.env.UV_THREADPOOL_SIZE)
  return Math.max(1, (Number.isInteger(pool) && pool > 0 ? Math.min(pool, 1024) : 4) - 1)
}
const PROJECT_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/

let warnedRandomSecret = false

export function resolveOptions(options: AccountsOptions = {}): ResolvedOptions {
  // A TypeError names the option; explainOptionError adds what was given (`options.secret is undefined`).
  return checkingOptions(options, () => resolve(options))
}

function resolve(options: AccountsOptions): ResolvedOptions {
  const o = options
  if (o.project !== undefined && (typeof o.project !== 'string' || !PROJECT_ID.test(o.project))) {
    throw new TypeError('options.project must be 1–36 chars of a-z, A-Z, 0-9, period, hyphen or underscore')
  }
  const project = o.project ?? DEFAULTS.project
  if (o.apiKeys !== undefined && (!Array.isArray(o.apiKeys) || o.apiKeys.some((k) => typeof k !== 'string' || k.length < 16))) {
    throw new TypeError('options.apiKeys must be an array of strings of at least 16 characters')
  }
  for (const name of ['allowedOrigins', 'allowedRedirectOrigins'] as const) {
    const list = o[name]
    if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || !isOrigin(v)))) {
      throw new TypeError(`options.${name} must be an array of origins like 'https://app.example.com'`)
    }
  }
  const sessionDuration = integer('sessionDuration', o.sessionDuration, DEFAULTS.sessionDuration, 1, 10 * 365 * 24 * 3600)
  const maxSessions = integer('maxSessions', o.maxSessions, DEFAULTS.maxSessions, 0, 1000)
  const maxPushTargets = integer('maxPushTargets', o.maxPushTargets, DEFAULTS.maxPushTargets, 0, 1000)
  const bcryptCost = integer('bcryptCost', o.bcryptCost, DEFAULTS.bcryptCost, 4, 31)
  const bcryptConcurrency = integer('bcryptConcurrency', o.bcryptConcurrency, defaultBcryptConcurrency(), 1, 1024)
  const bcryptQueue = integer('bcryptQueue', o.bcryptQueue, DEFAULTS.bcryptQueue, 0, 100_000)
  const bcryptPerClient = integer('bcryptPerClient', o.bcryptPerClient, DEFAULTS.bcryptPerClient, 1, 100_000)
  if (o.cookieSameSite !== undefined && !['lax', 'strict', 'none'].includes(o.cookieSameSite)) {
    throw new TypeError("options.cookieSameSite must be 'lax', 'strict' or 'none'")
  }
  if (o.store !== undefined) {
    if (typeof o.store !== 'object' || o.store === null) throw new TypeError('options.store must implement the Store interface (see docs/store.md)')
    const oauth2Providers = typeof o.oauth2 === 'object' && o.oauth2 !== null ? Object.keys(o.oauth2).length : 0
    const missing = missingStoreMethod(o.store, partsInUse({ rateLimits: o.rateLimits !== false, oauth2Providers }))
    if (missing) throw new TypeError(`options.store is missing ${missing.method}() (needed by ${missing.part})`)
  }
  const storeTimeout = o.storeTimeout ?? DEFAULTS.storeTimeout
  if (typeof storeTimeout !== 'number' || !(storeTimeout >= 0.01 && storeTimeout <= 300)) {
    throw new TypeError('options.storeTimeout must be a number of seconds from 0.01 to 300')
  }
  if (o.clock !== undefined && typeof o.clock?.now !== 'function') {
    throw new TypeError('options.clock must have a now() method returning epoch milliseconds')
  }
  if (o.mailer !== undefined && typeof o.mailer?.send !== 'function') {
    throw new TypeError('options.mailer must have a send(message) method (see lib/delivery/delivery.ts)')
  }
  if (o.sms !== undefined && typeof o.sms?.send !== 'function') {
    throw new TypeError('options.sms must have a send(message) method (see lib/delivery/delivery.ts)')
  }
  if (o.magicUrl !== undefined && (typeof o.magicUrl !== 'string' || !isAbsoluteHttpUrl(o.magicUrl))) {
    throw new TypeError("options.magicUrl must be an absolute http(s) URL like 'https://app.example.com/magic'")
  }
  const allowedRedirectOrigins = (o.allowedRedirectOrigins ?? []).map((v) => new URL(v).origin)
  if (o.magicUrl !== undefined && !isLoopback(new URL(o.magicUrl).hostname) && !allowedRedirectOrigins.includes(new URL(o.magicUrl).origin)) {
    throw new TypeError('options.magicUrl must be on a loopback host or one of options.allowedRedirectOrigins')
  }
  for (const name of ['rateLimits', 'passwordlessSignUp'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw new TypeError(`options.${name} must be a boolean`)
  }
  if (o.templates !== undefined) checkTemplates(o.templates)
  if (o.oauth2 !== undefined && (typeof o.oauth2 !== 'object' || o.oauth2 === null || Array.isArray(o.oauth2))) {
    throw new TypeError('options.oauth2 must be an object { <provider>: { clientId, clientSecret, … } }')
  }
  if (o.createJwtPayload !== undefined && typeof o.createJwtPayload !== 'function') {
    throw new TypeError('options.createJwtPayload must be a function (account, session) => claims')
  }
  const tokenLifetimes = { ...DEFAULT_TOKEN_LIFETIMES }
  for (const [name, value] of Object.entries(o.tokenLifetimes ?? {})) {
    if (!(name in DEFAULT_TOKEN_LIFETIMES)) throw new TypeError(`options.tokenLifetimes.${name} is not a known token kind`)
    tokenLifetimes[name as keyof TokenLifetimes] = integer(`tokenLifetimes.${name}`, value, 0, 1, 30 * 24 * 3600)
  }
  return {
    storeTimeout,
    project,
    projectName: o.projectName ?? project,
    secret: resolveSecret(o.secret),
    apiKeys: [...(o.apiKeys ?? [])],
    allowedOrigins: (o.allowedOrigins ?? []).map((v) => new URL(v).origin),
    allowedRedirectOrigins,
    sessionDuration,
    maxSessions,
    maxPushTargets,
    bcryptCost,
    bcryptConcurrency,
    bcryptQueue,
    bcryptPerClient,
    cookieSameSite: o.cookieSameSite ?? DEFAULTS.cookieSameSite,
    rateLimits: o.rateLimits ?? DEFAULTS.rateLimits,
    clock: o.clock ?? Date,
    mailer: o.mailer ?? null,
    sms: o.sms ?? null,
    templates: o.templates ?? {},
    passwordlessSignUp: o.passwordlessSignUp ?? DEFAULTS.passwordlessSignUp,
    magicUrl: o.magicUrl ?? null,
    tokenLifetimes,
    maxTokenFailures: integer('maxTokenFailures', o.maxTokenFailures, DEFAULTS.maxTokenFailures, 1, 100),
    invalidateSessionsOnPasswordChange: boolean('invalidateSessionsOnPasswordChange', o.invalidateSessionsOnPasswordChange, DEFAULTS.invalidateSessionsOnPasswordChange),
    createJwtPayload: o.createJwtPayload ?? null,
    oauth2: { ...(o.oauth2 ?? {}) },
    securityLog: resolveSecurityLog(o.securityLog),
    passwordPolicy: resolvePasswordPolicy(o.passwordPolicy),
    hooks: resolveHooks(o.hooks),
  }
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new TypeError(`options.${name} must be a boolean`)
  return value
}

function checkTemplates(templates: Templates): void {
  if (typeof templates !== 'object' || templates === null) throw new TypeError('options.templates must be an object { email?, sms? }')
  for (const channel of Object.keys(templates)) {
    if (channel !== 'email' && channel !== 'sms') throw new TypeError(`options.templates.${channel} is not a channel (email, sms)`)
    const byKind = templates[channel] ?? {}
    for (const [kind, fn] of Object.entries(byKind)) {
      if (typeof fn !== 'function') throw new TypeError(`options.templates.${channel}.${kind} must be a function (context) => content`)
    }
  }
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`options.${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

function resolveSecret(secret: string | undefined): Buffer {
  if (secret !== undefined) {
    if (typeof secret !== 'string' || Buffer.byteLength(secret) < 32) {
      throw new TypeError('options.secret must be a string of at least 32 bytes')
    }
    return Buffer.from(secret)
  }
  if (process.env.NODE_ENV === 'production') {
    throw new TypeError('options.secret is required when NODE_ENV=production')
  }
  if (!warnedRandomSecret) {
    warnedRandomSecret = true
    process.emitWarning(
      'express-accounts: no options.secret given; using a random one for this process (JWTs, codes and links will not survive a restart or work across processes)',
      { code: 'EXPRESS_ACCOUNTS_RANDOM_SECRET' },
    )
  }
  return randomBytes(32)
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin !== 'null'
  } catch {
    return false
  }
}
