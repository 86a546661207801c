/**
 * The Store contract: the only way the core touches storage.
 *
 * Every method is promise-based and every value is a plain JSON-serialisable record, so a store
 * may keep them as JSON text. A store returns copies: mutating an argument after a call, or a
 * returned record, never changes what is stored.
 *
 * "Now" is the core's clock (`options.clock`), never the store's: record times (`createdAt`,
 * `expiresAt`) and `ConsumeQuery.now` are epoch milliseconds from it, so a test can fake the
 * clock without faking the database. Lifetimes passed as `ttlMs` / `windowSeconds` are relative
 * and measured by the store on its own clock: after that long a record must be gone (reads
 * answer as if it were never there); before it, it must still be there. The core still checks
 * `expiresAt` itself, so a store may keep an expired record a little longer, never drop a live one.
 *
 * Atomicity the core relies on (each store must give it; `storeContract()` from
 * `express-accounts/testing` checks it, with concurrent calls, against any store):
 * - `insertAccount`: an id, an email and a phone are each owned by at most one account.
 * - `replaceAccount`: compare-and-set on `rev`; a concurrent writer makes it answer `stale`.
 * - `createSession`: the new session and the eviction of the oldest ones beyond
 *   `maxSessions` happen together.
 * - `putToken` with `replaceSameKind`: only the newest token of a kind survives.
 * - `consumeToken`: a matching token is returned to exactly one caller and deleted in
 *   the same step; a mismatch counts a failure against each candidate that counts them
 *   (its own `maxFailures` > 0) and kills it at that many.
 * - `insertIdentity`: a (`provider`, `providerUid`) pair belongs to at most one identity.
 * - `takeOnce`: a value goes to exactly one caller.
 * - `hit`: a fixed-window counter shared by every process using the store.
 * - `queryAccounts`: reflects every account write that has resolved (see its TSDoc).
 * - `queryIdentities`: reflects every identity write (and account deletion) that has resolved.
 * - `appendLog`: the append and the trim of its lane to the count and age caps happen together.
 *
 * Faults: a store that cannot reach its data throws `storeUnavailable(cause)` (or rejects with
 * an error carrying a Node socket code such as `ECONNREFUSED`); the core answers 503 and the
 * client retries. Anything else a store throws is a bug (500). A call the core made with
 * arguments that break the contract (e.g. `next.rev !== expectedRev + 1`) throws a `TypeError`.
 * docs/store.md explains all of this for store authors.
 */
import type { AccountQuery } from './account-query.js'
import type { IdentityQuery } from './identity-query.js'

export type { AccountQuery } from './account-query.js'
export type { IdentityQuery } from './identity-query.js'

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
  /**
   * The latest password hashes, oldest first, the current one last, at most
   * `passwordPolicy.history` of them. Absent while the history is off.
   */
  passwordHistory?: string[]
  /** TOTP authenticator; the shared secret is sealed (AES-256-GCM under the server secret). Absent = none. */
  totp?: TotpRecord | null
  /** MFA recovery codes still unused: keyed hashes to check, and a sealed copy to show again. Absent = none made. */
  recoveryCodes?: { hashes: string[]; sealed: string } | null
  /**
   * Messaging targets (email, sms, push), kept on the record so that adding one, changing the
   * email and deleting the account are each one atomic write (the `replaceAccount`
   * compare-and-set). Bounded by the core (`maxPushTargets`). Absent on records written before
   * targets existed: the core then derives the email / sms ones.
   */
  targets?: TargetRecord[]
  /** May act as other accounts (`X-Appwrite-Impersonate-User-*`). Absent = false. */
  impersonator?: boolean
}

/** A messaging target as stored on its account. */
export interface TargetRecord {
  /** Unique within its account. */
  id: string
  createdAt: number
  updatedAt: number
  providerType: 'email' | 'sms' | 'push'
  /** The address: an email, an E.164 phone, or a push token. */
  identifier: string
  /** Messaging provider id; `null` = the default one. */
  providerId: string | null
  /** Device name (push targets), e.g. `'Apple iPhone'`; `''` when unknown. */
  name: string
  /** The provider reported the identifier dead (set by messaging; cleared by an update). */
  expired: boolean
}

/** An account's TOTP authenticator (its secret encrypted under a key derived from `options.secret`). */
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

/** The account fields that belong to at most one account. */
export type UniqueField = 'email' | 'phone'

/** Answer of `insertAccount()`: stored, or which claim was taken. */
export type InsertResult = { ok: true } | { ok: false; conflict: 'id' | UniqueField }
/** Answer of `replaceAccount()`: stored, or why not (a concurrent writer, or gone). */
export type ReplaceResult =
  | { ok: true }
  | { ok: false; conflict: UniqueField | 'stale' | 'missing' }

/** How `putToken` treats the account's earlier tokens of the same kind. */
export interface PutTokenOptions {
  replaceSameKind?: boolean
  keepSameKind?: number
}

/** What `consumeToken()` looks for, and the core's "now". */
export interface ConsumeQuery {
  /** Only this token id (MFA challenges); otherwise any live token of `kinds`. */
  id?: string
  /** The kinds that may match; with `id`, an empty list means "whatever its kind". */
  kinds: string[]
  secretHash: string
  /** Core clock, epoch ms: tokens with `expiresAt <= now` never match. */
  now: number
}

/** A fixed-window counter's state: the count in the window and when it resets (epoch ms). */
export interface HitResult {
  /** Hits in the current window, including this one. */
  count: number
  /** Milliseconds until the window closes. */
  resetMs: number
}

/** Accounts and the uniqueness of their id, email and phone. */
export interface AccountStore {
  /**
   * Writes a new account and claims its email and phone (each only when non-empty), all or
   * nothing: on a conflict nothing of the account is stored or claimed. Atomic against every
   * concurrent insert and replace: of racing writers claiming one id, email or phone, exactly
   * one succeeds. Returns `{ok:false, conflict}` naming the first taken one (`'id'` first).
   */
  insertAccount(account: AccountRecord): Promise<InsertResult>
  /** The stored account (a copy), or null. */
  getAccount(id: string): Promise<AccountRecord | null>
  /**
   * The id of the account that owns this email (already lowercased by the core) or phone, or
   * null. `''` is never owned. Reflects every insert, replace and delete that has resolved.
   */
  findAccountId(field: UniqueField, value: string): Promise<string | null>
  /**
   * Compare-and-set: replaces the account when its stored `rev` equals `expectedRev`, else
   * answers `{ok:false, conflict:'stale'}` (the core re-reads and replays its change), or
   * `'missing'` when there is no such account. `next.rev` must be `expectedRev + 1`, otherwise
   * it throws a `TypeError`. A changed email or phone is claimed and the old one released in
   * the same atomic step; a taken one answers `'email'` / `'phone'` and changes nothing. Of
   * concurrent replaces with the same `expectedRev`, exactly one succeeds.
   */
  replaceAccount(next: AccountRecord, expectedRev: number): Promise<ReplaceResult>
  /**
   * Deletes the account with its sessions, tokens, identities and security log, and releases its email,
   * phone and identity claims (they can be claimed again at once). False when it did not exist.
   */
  deleteAccount(id: string): Promise<boolean>
}

/** A page of an account listing. */
export interface AccountPage {
  /** Accounts matching the query's filters and search, counted up to `TOTAL_CAP` (0 when the query asked for no total). */
  total: number
  /** The page, in the query's order. */
  accounts: AccountRecord[]
}

/** Listing and searching accounts (the Users service's list, `accounts.listAccounts`). docs/queries.md. */
export interface AccountListStore {
  /**
   * The page of accounts the query selects, in its order (`AccountQuery`; semantics and order
   * as `lib/store/account-index.ts` defines them, the same for every store), and the total.
   * Null when the cursor names no account (or, in a search listing, one the search does not
   * find). Reflects every insert, replace and delete that has resolved, and the accounts
   * stored before the store had listings. Its cost must not grow with the number of accounts
   * for a page of a plain listing, one `equal` value, a `startsWith` prefix or a cursor.
   */
  queryAccounts(query: AccountQuery): Promise<AccountPage | null>
}

/** Sessions, each under its account. */
export interface SessionStore {
  /**
   * Stores the session for `ttlMs` and, in the same atomic step, deletes the account's oldest
   * live sessions (by `createdAt`) beyond `maxSessions` (0 = unlimited), never the one being
   * created. Returns the evicted session ids (`[]` when none). Expired sessions do not count.
   */
  createSession(session: SessionRecord, opts: { maxSessions: number; ttlMs: number }): Promise<string[]>
  /** The live session of this account, or null (also when it belongs to another account). */
  getSession(accountId: string, sessionId: string): Promise<SessionRecord | null>
  /**
   * The session and its account, read together in one round trip: the `requireSession()` hot
   * path calls it on every authenticated request. Each half is null when absent. The records
   * may be frozen and shared between calls (the built-in stores hand out one parsed copy per
   * stored version, so a hot read neither parses nor allocates): callers must not change them.
   */
  getSessionWithAccount(
    accountId: string,
    sessionId: string,
  ): Promise<{ session: SessionRecord | null; account: AccountRecord | null }>
  /**
   * Optional. What `getSessionWithAccount` would answer now, when the store has it at hand
   * without I/O (the MemoryStore always; RedisStore on a client-side cache hit); `undefined`
   * when it would have to ask (then the caller calls `getSessionWithAccount`). Lets a hot
   * request be authenticated without a single promise. Must never answer from anything
   * `getSessionWithAccount` would not: an answer here is the same answer, only sooner. The
   * answer (the object holding the two records, too) may be frozen and shared between calls:
   * callers must not change it.
   */
  peekSessionWithAccount?(
    accountId: string,
    sessionId: string,
  ): { session: SessionRecord | null; account: AccountRecord | null } | undefined
  /** The account's live sessions, oldest `createdAt` first (`[]` when none). */
  listSessions(accountId: string): Promise<SessionRecord[]>
  /**
   * Overwrites a live session and gives it a new lifetime of `ttlMs`; false (and nothing
   * stored) when it no longer exists, so a session deleted meanwhile is never brought back.
   */
  replaceSession(session: SessionRecord, ttlMs: number): Promise<boolean>
  /** Deletes one session; false when it did not exist. */
  deleteSession(accountId: string, sessionId: string): Promise<boolean>
  /** Deletes all the account's sessions but `exceptId`; returns the deleted ids. */
  deleteSessions(accountId: string, exceptId?: string): Promise<string[]>
}

/** Single-use secrets (codes, links, challenges), each under its account. */
export interface TokenStore {
  /**
   * Stores a token for `ttlMs`; the account need not exist. With `replaceSameKind`, the
   * account's other tokens of the same kind are deleted in the same atomic step (only the latest
   * code of a kind works, even when two requests race). With `keepSameKind: n` instead, at most
   * `n` of them stay: the newest by `createdAt` (then id); the older ones go in the same atomic
   * step.
   */
  putToken(token: TokenRecord, ttlMs: number, options?: PutTokenOptions): Promise<void>
  /**
   * Atomically finds, deletes and returns the live token of `query.kinds` (or only `query.id`)
   * whose `secretHash` matches, with `failures` as counted so far; of concurrent callers exactly
   * one gets it. Tokens with `expiresAt <= query.now` never match. On a miss, every candidate
   * whose `maxFailures` > 0 counts one failure, and one that reaches `maxFailures` is deleted
   * (the right secret no longer redeems it). Null when nothing matched.
   */
  consumeToken(accountId: string, query: ConsumeQuery): Promise<TokenRecord | null>
  /** Deletes the account's tokens of these kinds (all kinds when omitted, none for `[]`); returns how many. */
  deleteTokens(accountId: string, kinds?: string[]): Promise<number>
}

/** OAuth2 identities, each under its account, and the uniqueness of (provider, provider uid). */
export interface IdentityStore {
  /**
   * Attaches an identity to its account and claims its (`provider`, `providerUid`) pair in one
   * atomic step: of racing inserts of one pair, exactly one succeeds. `{ok:false,
   * conflict:'identity'}` when the pair or the identity id is taken, `'missing'` when the
   * account does not exist; either way nothing is stored or claimed. `providerUid` is opaque
   * text of any length and characters.
   */
  insertIdentity(identity: IdentityRecord): Promise<{ ok: true } | { ok: false; conflict: 'identity' | 'missing' }>
  /** The account id owning (`provider`, `providerUid`), or null. Exact match on both. */
  findIdentityOwner(provider: string, providerUid: string): Promise<string | null>
  /** The account's identities, oldest `createdAt` first (`[]` when none). */
  listIdentities(accountId: string): Promise<IdentityRecord[]>
  /** The identity of this account, or null (also when it belongs to another account). */
  getIdentity(accountId: string, identityId: string): Promise<IdentityRecord | null>
  /**
   * The identity with this id, whichever account holds it (the Users service's
   * `DELETE /users/identities/:identityId`), or null. Reflects every `insertIdentity`,
   * `deleteIdentity` and `deleteAccount` that has resolved; never answers an identity that no
   * longer exists. Identities inserted by a version without this method may be missing from it.
   */
  findIdentity(identityId: string): Promise<IdentityRecord | null>
  /**
   * Overwrites an existing identity (a token refresh); false when it no longer exists.
   * `provider` and `providerUid` must not change: a call that changes them throws a `TypeError`.
   */
  replaceIdentity(identity: IdentityRecord): Promise<boolean>
  /** Deletes the identity and releases its (`provider`, `providerUid`) claim; false when it did not exist. */
  deleteIdentity(accountId: string, identityId: string): Promise<boolean>
}

/** A page of the listing of every account's identities. */
export interface IdentityPage {
  /** Identities matching the query's filters and search, counted up to `TOTAL_CAP` (0 when the query asked for no total). */
  total: number
  /** The page, in the query's order. */
  identities: IdentityRecord[]
}

/** Listing and searching the identities of every account (the Users service's `listIdentities`). docs/queries.md. */
export interface IdentityListStore {
  /**
   * The page of identities, of every account, the query selects, in its order (`IdentityQuery`;
   * semantics and order as `lib/store/identity-index.ts` defines them, the same for every
   * store), and the total. Null when the cursor names no identity (or, in a search listing, one
   * the search does not find). Reflects every `insertIdentity`, `replaceIdentity`,
   * `deleteIdentity` and `deleteAccount` that has resolved, and the identities stored before
   * the store had this listing. Its cost must not grow with the number of identities for a
   * page of a plain listing, one `equal` value, a `startsWith` prefix or a cursor.
   */
  queryIdentities(query: IdentityQuery): Promise<IdentityPage | null>
}

/** Single-use values not tied to an account (OAuth2 state between redirect and callback). */
export interface OnceStore {
  /** Stores `value` under `key` for `ttlMs`; an existing value is replaced, and so is its lifetime. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>
  /** Returns and deletes the value in one atomic step: of concurrent callers only one gets it; null when absent or expired. */
  takeOnce(key: string): Promise<string | null>
}

/** Fixed-window counters shared by every process using the store (rate limits, MFA failure budget). */
export interface CounterStore {
  /**
   * Counts one hit on `key` and answers the count in the current window (this hit included)
   * and the milliseconds left in it, in one atomic step: concurrent hits are all counted. The
   * first hit opens a window of `windowSeconds`; later hits do not extend it (the window does
   * not slide); after it closes, the next hit opens a new one at count 1.
   */
  hit(key: string, windowSeconds: number): Promise<HitResult>
  /** Forgets the counter (no-op when absent): the next hit opens a new window. */
  resetHits(key: string): Promise<void>
  /**
   * Hits counted on `key` in its current window and the time left in it, without adding one
   * (`{count: 0, resetMs: 0}` when there is no live window). Failure limits peek before the
   * attempt and `hit` only when it fails.
   */
  peekHits(key: string): Promise<HitResult>
}

/** One security-log entry (Appwrite's Log model as stored). Never holds a secret. */
export interface LogRecord {
  id: string
  /** The account whose log this is. */
  accountId: string
  /** What happened, e.g. `session.create.email` (lib/core/security-log.ts lists them). */
  event: string
  /** Core clock, epoch ms. */
  time: number
  /**
   * Orders entries of the same millisecond: increasing in the order one process recorded them
   * (entries of different processes in the same millisecond are concurrent). Absent in entries
   * written before it existed.
   */
  seq?: number
  /** Who acted (the account itself, or an impersonator / admin), as known when it happened. */
  userId: string
  userEmail: string
  userName: string
  /** Appwrite's API mode: `'default'`, or `'admin'` for API-key / server callers. */
  mode: string
  /** Appwrite's user type: `user`, `guest`, `keyProject`, … */
  userType: string
  ip: string
  client: ClientInfo
}

/**
 * Which bounded lane of an account's log an entry goes to. `'stranger'` holds what anyone can
 * cause without the account's credentials (failed sign-ins, token and recovery requests), so
 * a flood of them only ever pushes out older stranger entries, never the account's own.
 * `'impersonation'` holds what an impersonator causes while acting as the account, so neither
 * can an impersonator's requests push out the account's own entries.
 */
export type LogLane = 'account' | 'stranger' | 'impersonation'

/** How `Store.appendLog` bounds the lane it appends to. */
export interface AppendLogOptions {
  lane: LogLane
  /** Entries the lane keeps; the oldest beyond it are dropped in the same atomic step. */
  maxEntries: number
  /** Entries older than `now - maxAgeMs` are dropped in the same step (and never listed). */
  maxAgeMs: number
  /** Core clock, epoch ms. */
  now: number
}

/** Each account's security log, bounded by count and age per lane. */
export interface LogStore {
  /**
   * Appends the entry to its lane when the account exists (false, and nothing stored, when it
   * does not: a log never outlives or precedes its account). In the same atomic step the lane
   * drops its entries beyond `maxEntries` (oldest first) and those older than `now -
   * maxAgeMs`, so concurrent appends never leave more than `maxEntries` in a lane. A lane
   * untouched for `maxAgeMs` may be reclaimed whole. `deleteAccount` deletes the log.
   */
  appendLog(entry: LogRecord, options: AppendLogOptions): Promise<boolean>
  /**
   * The account's entries of every lane not older than `now - maxAgeMs`, newest first (by
   * `time`; entries of one lane with equal `time` in reverse append order). `[]` when none.
   */
  listLogs(accountId: string, options: { now: number; maxAgeMs: number }): Promise<LogRecord[]>
}

/** Everything the core stores. See the file's header and docs/store.md. */
export interface Store extends AccountStore, AccountListStore, SessionStore, TokenStore, IdentityStore, IdentityListStore, OnceStore, CounterStore, LogStore {
  /**
   * Releases what the store opened itself (connections, timers); it must not close a client
   * the application passed in. The application calls it (`accounts.store.close()`) at
   * shutdown; the core never does, and makes no call after it.
   */
  close(): Promise<void>
}
