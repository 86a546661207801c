/**
 * The Store contract: the only way the core touches storage.
 *
 * Every method is promise-based and every value is a plain JSON-serialisable record,
 * so a store may keep them as JSON strings. Times are epoch milliseconds taken from the
 * core's clock (never from the store's), so a test can fake the clock without faking
 * the database. Relative lifetimes (`ttlMs`) are computed by the caller from that clock;
 * a store uses them only to reclaim space, the core still checks `expiresAt` itself.
 *
 * Atomicity the core relies on (each store must give it, and the shared contract suite
 * in `test/store/contract.ts` checks it against every store):
 * - `insertAccount`: an id, an email and a phone are each owned by at most one account.
 * - `replaceAccount`: compare-and-set on `rev`; a concurrent writer makes it answer `stale`.
 * - `createSession`: the new session and the eviction of the oldest ones beyond
 *   `maxSessions` happen together.
 * - `consumeToken`: a matching token is returned to exactly one caller and deleted in
 *   the same step; a mismatch counts a failure against each candidate that counts them
 *   (its own `maxFailures` > 0) and kills it at that many.
 * - `hit`: a fixed-window counter shared by every process using the store.
 *
 * Cluster layout: everything that belongs to one account lives under the hash tag
 * `{a:<accountId>}`, so one account's reads and scripts stay on one slot.
 */

/** An account as stored. Secrets are only ever stored hashed. */
export interface AccountRecord {
  id: string
  /** Write counter; `replaceAccount` succeeds only when the stored `rev` equals the expected one. */
  rev: number
  createdAt: number
  updatedAt: number
  registration: number
  accessedAt: number
  name: string
  /** Lowercased; `''` when the account has none (anonymous, phone-only). */
  email: string
  /** E.164; `''` when none. */
  phone: string
  emailVerification: boolean
  phoneVerification: boolean
  /** `false` once blocked. */
  status: boolean
  labels: string[]
  mfa: boolean
  prefs: Record<string, unknown>
  /** bcrypt over a SHA-256 pre-hash (`lib/password.ts`); `null` for password-less accounts. */
  passwordHash: string | null
  passwordUpdatedAt: number | null
  /** TOTP authenticator; the shared secret is sealed (AES-256-GCM under the server secret). Absent = none. */
  totp?: TotpRecord | null
  /** MFA recovery codes still unused: keyed hashes to check, and a sealed copy to show again. Absent = none made. */
  recoveryCodes?: { hashes: string[]; sealed: string } | null
}

export interface TotpRecord {
  /** Sealed base32 shared secret. */
  secret: string
  /** Only a verified authenticator counts as a factor. */
  verified: boolean
  /** Last 30-second step a code was accepted for: a code is never accepted twice. */
  lastStep: number
}

/** Device and client fields derived from the User-Agent once, at sign-in. */
export interface ClientInfo {
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
}

/** A session as stored. The carrier holds the raw secret; the store only its SHA-256. */
export interface SessionRecord {
  id: string
  accountId: string
  createdAt: number
  updatedAt: number
  expiresAt: number
  /** Hex SHA-256 of the 256-bit session secret. */
  secretHash: string
  provider: string
  providerUid: string
  providerAccessToken: string
  providerAccessTokenExpiry: number | null
  providerRefreshToken: string
  ip: string
  client: ClientInfo
  factors: string[]
  mfaUpdatedAt: number | null
}

/** A single-use secret (OTP code, magic link, recovery, verification, MFA challenge). */
export interface TokenRecord {
  id: string
  accountId: string
  /** What the token is for, e.g. `'magic-url'`, `'email-otp'`, `'recovery'`. */
  kind: string
  /** Hash of the secret (the core decides how it is keyed); never the secret itself. */
  secretHash: string
  createdAt: number
  expiresAt: number
  /** Wrong secrets tried against this token so far. */
  failures: number
  /**
   * Wrong secrets this token survives: at this many it is deleted, even if the right secret
   * follows. `0` = misses are not counted at all. The core gives 6-digit codes
   * `maxTokenFailures` and 256-bit link secrets `0`: a guess against 256 bits never succeeds,
   * so counting strangers' misses would only let them void the owner's valid link.
   */
  maxFailures: number
  /** Anything the flow needs back on redemption (JSON-serialisable). */
  data: Record<string, unknown>
}

/** An OAuth2 login (provider + the provider's user id) attached to an account. */
export interface IdentityRecord {
  id: string
  accountId: string
  createdAt: number
  updatedAt: number
  /** Provider name as configured, e.g. `'github'`. */
  provider: string
  /** The provider's stable user id. (`provider`, `providerUid`) is unique across accounts. */
  providerUid: string
  providerEmail: string
  /** Provider tokens are kept so apps can call the provider's API for the user. */
  providerAccessToken: string
  providerAccessTokenExpiry: number | null
  providerRefreshToken: string
}

export type UniqueField = 'email' | 'phone'

export type InsertResult = { ok: true } | { ok: false; conflict: 'id' | UniqueField }
export type ReplaceResult =
  | { ok: true }
  | { ok: false; conflict: UniqueField | 'stale' | 'missing' }

/** How `putToken` treats the account's earlier tokens of the same kind. */
export interface PutTokenOptions {
  replaceSameKind?: boolean
  keepSameKind?: number
}

export interface ConsumeQuery {
  /** Only this token id (MFA challenges); otherwise any live token of `kinds`. */
  id?: string
  kinds: string[]
  secretHash: string
  /** Core clock, epoch ms: tokens with `expiresAt <= now` never match. */
  now: number
}

export interface HitResult {
  /** Hits in the current window, including this one. */
  count: number
  /** Milliseconds until the window closes. */
  resetMs: number
}

export interface Store {
  // ── accounts ─────────────────────────────────────────────────────────────
  /** Writes a new account and claims its email / phone (when non-empty). */
  insertAccount(account: AccountRecord): Promise<InsertResult>
  getAccount(id: string): Promise<AccountRecord | null>
  /** The id of the account that owns this email (lowercased) or phone, or null. */
  findAccountId(field: UniqueField, value: string): Promise<string | null>
  /**
   * Replaces the account when its stored `rev` equals `expectedRev` (`next.rev` must be
   * `expectedRev + 1`). Claims a changed email / phone and releases the old one.
   */
  replaceAccount(next: AccountRecord, expectedRev: number): Promise<ReplaceResult>
  /** Deletes the account, its sessions, tokens and identities, and releases its email / phone and identity claims. */
  deleteAccount(id: string): Promise<boolean>

  // ── sessions ─────────────────────────────────────────────────────────────
  /**
   * Stores the session and, in the same atomic step, deletes the oldest sessions of the
   * account beyond `maxSessions` (0 = unlimited). Returns the evicted session ids.
   */
  createSession(session: SessionRecord, opts: { maxSessions: number; ttlMs: number }): Promise<string[]>
  getSession(accountId: string, sessionId: string): Promise<SessionRecord | null>
  /** The session and its account in one round trip (the `requireSession()` hot path). */
  getSessionWithAccount(
    accountId: string,
    sessionId: string,
  ): Promise<{ session: SessionRecord | null; account: AccountRecord | null }>
  /** The account's sessions, oldest first. */
  listSessions(accountId: string): Promise<SessionRecord[]>
  /** Overwrites an existing session; false when it no longer exists. */
  replaceSession(session: SessionRecord, ttlMs: number): Promise<boolean>
  deleteSession(accountId: string, sessionId: string): Promise<boolean>
  /** Deletes all the account's sessions but `exceptId`; returns the deleted ids. */
  deleteSessions(accountId: string, exceptId?: string): Promise<string[]>

  // ── single-use tokens ────────────────────────────────────────────────────
  /**
   * Stores a token. With `replaceSameKind`, the account's other tokens of the same kind are
   * deleted in the same atomic step (only the latest code or link of a kind works, even when
   * two requests race). With `keepSameKind: n` instead, at most `n` of them stay: the newest by
   * `createdAt` (then id); the older ones go in the same atomic step.
   */
  putToken(token: TokenRecord, ttlMs: number, options?: PutTokenOptions): Promise<void>
  /** Atomically finds, deletes and returns a matching live token (see `ConsumeQuery`). */
  consumeToken(accountId: string, query: ConsumeQuery): Promise<TokenRecord | null>
  /** Deletes the account's tokens of these kinds (all kinds when omitted); returns how many. */
  deleteTokens(accountId: string, kinds?: string[]): Promise<number>

  // ── identities (OAuth2 logins) ───────────────────────────────────────────
  /**
   * Attaches an identity to its account. Atomic claim: a (`provider`, `providerUid`) pair
   * belongs to at most one identity; `{ok:false}` when it is taken (or the account is gone).
   */
  insertIdentity(identity: IdentityRecord): Promise<{ ok: true } | { ok: false; conflict: 'identity' | 'missing' }>
  /** The account id owning (`provider`, `providerUid`), or null. */
  findIdentityOwner(provider: string, providerUid: string): Promise<string | null>
  /** The account's identities, oldest first. */
  listIdentities(accountId: string): Promise<IdentityRecord[]>
  getIdentity(accountId: string, identityId: string): Promise<IdentityRecord | null>
  /** Overwrites an existing identity (token refresh); false when it no longer exists. Provider and uid must not change. */
  replaceIdentity(identity: IdentityRecord): Promise<boolean>
  /** Deletes the identity and releases its (`provider`, `providerUid`) claim. */
  deleteIdentity(accountId: string, identityId: string): Promise<boolean>

  // ── single-use values not tied to an account (OAuth2 state) ──────────────
  /** Stores `value` under `key` for `ttlMs`; an existing value is replaced. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>
  /** Returns and deletes the value in one atomic step (GETDEL): only one caller gets it. */
  takeOnce(key: string): Promise<string | null>

  // ── counters ─────────────────────────────────────────────────────────────
  /** Counts one hit on `key` in a fixed window of `windowSeconds` (the first hit starts the window). Atomic. */
  hit(key: string, windowSeconds: number): Promise<HitResult>
  resetHits(key: string): Promise<void>
  /**
   * Hits counted on `key` in its current window and the time left in it, without adding one
   * (`{count: 0, resetMs: 0}` when there is no live window). Failure limits peek before the
   * attempt and `hit` only when it fails.
   */
  peekHits(key: string): Promise<HitResult>

  /** Releases connections the store opened itself. */
  close(): Promise<void>
}
