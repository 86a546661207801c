import { randomBytes } from 'node:crypto'
import type { AccountRecord, IdentityRecord, LogRecord, SessionRecord, Store, TokenRecord } from '../store/store.js'

/** Filled by the contract's beforeEach: the empty store `makeStore` gave for this test. */
export interface StoreHandle {
  store: Store
}

export const uid = (): string => randomBytes(8).toString('hex')
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
export const T0 = 1_700_000_000_000
export const DAY = 86_400_000

/** A valid account record for store tests; `over` replaces fields. */
export function makeAccount(over: Partial<AccountRecord> = {}): AccountRecord {
  const id = over.id ?? uid()
  return {
    id,
    rev: 1,
    createdAt: T0,
    updatedAt: T0,
    registration: T0,
    accessedAt: T0,
    name: 'Ada',
    email: `${id}@example.com`,
    phone: '',
    emailVerification: false,
    phoneVerification: false,
    status: true,
    labels: [],
    mfa: false,
    prefs: { theme: 'dark', nested: { list: [], empty: {} } },
    passwordHash: null,
    passwordUpdatedAt: null,
    ...over,
  }
}

/** A valid session record of the account for store tests; `over` replaces fields. */
export function makeSession(accountId: string, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: uid(),
    accountId,
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 30 * DAY,
    secretHash: 'a'.repeat(64),
    provider: 'email',
    providerUid: '',
    providerAccessToken: '',
    providerAccessTokenExpiry: null,
    providerRefreshToken: '',
    ip: '127.0.0.1',
    client: {
      osCode: '', osName: '', osVersion: '', clientType: 'browser', clientCode: '', clientName: 'Firefox',
      clientVersion: '128', clientEngine: '', clientEngineVersion: '', deviceName: '', deviceBrand: '', deviceModel: '',
    },
    factors: ['password'],
    mfaUpdatedAt: null,
    ...over,
  }
}

/** A valid token record of the account for store tests; `over` replaces fields. */
export function makeToken(accountId: string, over: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: uid(),
    accountId,
    kind: 'email-otp',
    secretHash: 'right',
    createdAt: T0,
    expiresAt: T0 + 15 * 60_000,
    failures: 0,
    maxFailures: 3,
    data: { redirect: 'https://app.example.com/', tags: [], meta: {} },
    ...over,
  }
}

/** A valid identity record of the account for store tests; `over` replaces fields. */
export function makeIdentity(accountId: string, over: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id: uid(),
    accountId,
    createdAt: T0,
    updatedAt: T0,
    provider: 'github',
    providerUid: uid(),
    providerEmail: 'ada@users.example.com',
    providerAccessToken: 'gho_access',
    providerAccessTokenExpiry: T0 + 3_600_000,
    providerRefreshToken: '',
    ...over,
  }
}

export function makeLog(accountId: string, over: Partial<LogRecord> = {}): LogRecord {
  return {
    id: uid(),
    accountId,
    event: 'session.create.email',
    time: T0,
    userId: accountId,
    userEmail: `${accountId}@example.com`,
    userName: 'Ada',
    mode: 'default',
    userType: 'user',
    ip: '203.0.113.7',
    client: makeSession(accountId).client,
    ...over,
  }
}
