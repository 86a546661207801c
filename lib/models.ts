import { targetsOf } from './core/contact-targets.js'
import type { AccountRecord, IdentityRecord, SessionRecord, TargetRecord, TokenRecord } from './store/store.js'
import { emailFacts } from './email-facts.js'
import { isoDate } from './model-memo.js'

/**
 * Appwrite's public models, field for field and in its key order (wire reference §2.5).
 * Optional fields are `null`, never omitted; datetimes are `YYYY-MM-DDTHH:mm:ss.sss+00:00`.
 */

export interface TargetModel {
  $id: string
  $createdAt: string
  $updatedAt: string
  name: string
  userId: string
  providerId: string | null
  providerType: 'email' | 'sms' | 'push'
  identifier: string
  expired: boolean
}

/** Appwrite's Account model: what `GET /v1/account` answers and `req.account` holds (no password hash). */
export interface AccountModel {
  $id: string
  $createdAt: string
  $updatedAt: string
  name: string
  registration: string
  status: boolean
  labels: string[]
  passwordUpdate: string
  email: string
  phone: string
  emailVerification: boolean
  emailCanonical: string | null
  emailIsFree: boolean | null
  emailIsDisposable: boolean | null
  emailIsCorporate: boolean | null
  emailIsCanonical: boolean | null
  phoneVerification: boolean
  mfa: boolean
  prefs: Record<string, unknown>
  targets: TargetModel[]
  accessedAt: string
  impersonator: boolean
  impersonatorUserId: string | null
}

/** Appwrite's Session model, as the session routes answer it. */
export interface SessionModel {
  $id: string
  $createdAt: string
  $updatedAt: string
  userId: string
  expire: string
  provider: string
  providerUid: string
  providerAccessToken: string
  providerAccessTokenExpiry: string
  providerRefreshToken: string
  ip: string
  osCode: string
  osName: string
  osVersion: string
  clientType: string
  clientCode: string
  clientName: string
  clientVersion: string
  clientEngine: string
  clientEngineVersion: string
  deviceName: string
  deviceBrand: string
  deviceModel: string
  countryCode: string
  countryName: string
  current: boolean
  factors: string[]
  secret: string
  mfaUpdatedAt: string
}

/** Appwrite's datetime format: millisecond precision with an explicit `+00:00`. */
export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  return isoDate(ms)
}

/** How an account is being seen, beyond its record (e.g. by an impersonator). */
export interface AccountView {
  /** The impersonator's id, on a request in which an impersonator acts as this account. */
  impersonatorUserId?: string | null
}

/** The public Account model of a record: drops the password hash and every other internal field. */
export function toAccountModel(a: AccountRecord, view: AccountView = {}): AccountModel {
  // A frozen record is a shared, immutable stored version (store/frozen-record.ts): its model
  // is built once and each caller gets its own copy, so the hot path skips the date
  // formatting, email facts and target derivation but can still change what it is handed.
  if (Object.isFrozen(a)) {
    let built = builtModels.get(a)
    if (built === undefined) {
      built = buildAccountModel(a, {})
      builtModels.set(a, built)
    }
    return {
      ...built,
      labels: [...built.labels],
      prefs: copyJson(built.prefs),
      targets: built.targets.map((t) => ({ ...t })),
      impersonatorUserId: view.impersonatorUserId ?? null,
    }
  }
  return buildAccountModel(a, view)
}

/** Models of frozen account records, kept as long as their record is (see toAccountModel). */
const builtModels = new WeakMap<AccountRecord, AccountModel>()

/** A deep copy of JSON-shaped data (prefs), cheap for the usual flat object. */
function copyJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyJson) as T
  // Most accounts have no prefs: skip the entries arrays for `{}`.
  for (const _ in value) return copyEntries(value)
  return {} as T
}

function copyEntries<T extends object>(value: T): T {
  // fromEntries defines own properties, so a `__proto__` key stays a key (as JSON.parse made it).
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyJson(v)])) as T
}

function buildAccountModel(a: AccountRecord, view: AccountView): AccountModel {
  return {
    $id: a.id,
    $createdAt: formatDate(a.createdAt),
    $updatedAt: formatDate(a.updatedAt),
    name: a.name,
    registration: formatDate(a.registration),
    status: a.status,
    labels: [...a.labels],
    passwordUpdate: formatDate(a.passwordUpdatedAt),
    email: a.email,
    phone: a.phone,
    emailVerification: a.emailVerification,
    ...emailFacts(a.email),
    phoneVerification: a.phoneVerification,
    mfa: a.mfa,
    prefs: { ...a.prefs },
    targets: targetsOf(a).map((t) => toTargetModel(a.id, t)),
    accessedAt: formatDate(a.accessedAt),
    impersonator: a.impersonator === true,
    impersonatorUserId: view.impersonatorUserId ?? null,
  }
}

/** The public Target model of a target record of account `accountId`. */
export function toTargetModel(accountId: string, t: TargetRecord): TargetModel {
  return {
    $id: t.id,
    $createdAt: formatDate(t.createdAt),
    $updatedAt: formatDate(t.updatedAt),
    name: t.name,
    userId: accountId,
    providerId: t.providerId,
    providerType: t.providerType,
    identifier: t.identifier,
    expired: t.expired,
  }
}

export interface SessionView {
  /** True for the session the request was authenticated with. */
  current?: boolean
  /** The session value; only ever given to API-key callers right after sign-in. */
  secret?: string
}

/** The public Session model of a record (`secret` empty unless `view` says otherwise). */
export function toSessionModel(s: SessionRecord, view: SessionView = {}): SessionModel {
  // As toAccountModel: a frozen (shared, stored) session's model is built once; each caller
  // gets its own copy with its own `current` and `factors`.
  if (view.secret === undefined && Object.isFrozen(s)) {
    let built = builtSessions.get(s)
    if (built === undefined) {
      built = buildSessionModel(s, {})
      builtSessions.set(s, built)
    }
    return { ...built, current: view.current ?? false, factors: [...built.factors] }
  }
  return buildSessionModel(s, view)
}

/** Models of frozen session records, kept as long as their record is. */
const builtSessions = new WeakMap<SessionRecord, SessionModel>()

function buildSessionModel(s: SessionRecord, view: SessionView): SessionModel {
  const c = s.client
  return {
    $id: s.id,
    $createdAt: formatDate(s.createdAt),
    $updatedAt: formatDate(s.updatedAt),
    userId: s.accountId,
    expire: formatDate(s.expiresAt),
    provider: s.provider,
    providerUid: s.providerUid,
    providerAccessToken: s.providerAccessToken,
    providerAccessTokenExpiry: formatDate(s.providerAccessTokenExpiry),
    providerRefreshToken: s.providerRefreshToken,
    ip: s.ip,
    osCode: c.osCode,
    osName: c.osName,
    osVersion: c.osVersion,
    clientType: c.clientType,
    clientCode: c.clientCode,
    clientName: c.clientName,
    clientVersion: c.clientVersion,
    clientEngine: c.clientEngine,
    clientEngineVersion: c.clientEngineVersion,
    deviceName: c.deviceName,
    deviceBrand: c.deviceBrand,
    deviceModel: c.deviceModel,
    // No GeoIP database ships with the library: Appwrite's answer for an unknown location.
    countryCode: '--',
    countryName: 'Unknown',
    current: view.current ?? false,
    factors: [...s.factors],
    secret: view.secret ?? '',
    mfaUpdatedAt: formatDate(s.mfaUpdatedAt),
  }
}

/** Appwrite's Token model, as the token routes answer it. */
export interface TokenModel {
  $id: string
  $createdAt: string
  userId: string
  secret: string
  expire: string
  phrase: string
}

/** `secret` is the raw secret for API-key callers right after issue, `''` for everyone else. */
export function toTokenModel(t: TokenRecord, view: { secret?: string; phrase?: string } = {}): TokenModel {
  return {
    $id: t.id,
    $createdAt: formatDate(t.createdAt),
    userId: t.accountId,
    secret: view.secret ?? '',
    expire: formatDate(t.expiresAt),
    phrase: view.phrase ?? '',
  }
}

/** Appwrite's Identity model: one OAuth2 provider login of an account. */
export interface IdentityModel {
  $id: string
  $createdAt: string
  $updatedAt: string
  userId: string
  provider: string
  providerUid: string
  providerEmail: string
  providerAccessToken: string
  providerAccessTokenExpiry: string
  providerRefreshToken: string
}

/** The public Identity model of a record. */
export function toIdentityModel(i: IdentityRecord): IdentityModel {
  return {
    $id: i.id,
    $createdAt: formatDate(i.createdAt),
    $updatedAt: formatDate(i.updatedAt),
    userId: i.accountId,
    provider: i.provider,
    providerUid: i.providerUid,
    providerEmail: i.providerEmail,
    providerAccessToken: i.providerAccessToken,
    providerAccessTokenExpiry: formatDate(i.providerAccessTokenExpiry),
    providerRefreshToken: i.providerRefreshToken,
  }
}
