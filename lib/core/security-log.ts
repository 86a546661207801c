import { parseUserAgent } from '../client-info.js'
import { newId } from '../secrets.js'
import type { Clock, ResolvedOptions } from '../options.js'
import type { AccountRecord, LogLane, LogRecord, Store } from '../store/store.js'
import * as v from '../validate.js'
import { pageOf, parseListQueries } from './list-queries.js'
import { currentRequestScope, type RequestScope } from './request-scope.js'

/**
 * Every event the security log records. Names follow Appwrite's audit events
 * (`user.create`, `session.create`, `recovery.update`…); where Appwrite says only
 * `user.update`, ours say what changed. A session's provider is appended
 * (`session.create.email`, `session.create.oauth2`…; see {@link sessionCreatedEvent}).
 */
export const SECURITY_EVENTS = {
  accountCreated: 'user.create',
  sessionCreated: 'session.create',
  sessionDeleted: 'session.delete',
  /** "Sign out everywhere", and the sessions a password change or recovery ends. */
  sessionsDeleted: 'sessions.delete',
  /** The oldest session, deleted because the account reached `maxSessions`. */
  sessionEvicted: 'session.evict',
  signInFailed: 'session.fail',
  passwordChanged: 'user.update.password',
  emailChanged: 'user.update.email',
  phoneChanged: 'user.update.phone',
  nameChanged: 'user.update.name',
  prefsChanged: 'user.update.prefs',
  mfaChanged: 'user.update.mfa',
  recoveryRequested: 'recovery.create',
  recoveryCompleted: 'recovery.update',
  verificationRequested: 'verification.create',
  verificationCompleted: 'verification.update',
  tokenRequested: 'token.create',
  jwtCreated: 'jwt.create',
  blocked: 'user.block',
  unblocked: 'user.unblock',
  /** For impersonation: an impersonator's session starts acting as this account… */
  impersonationStarted: 'impersonation.start',
  /** …and each request it makes as this account. */
  impersonatedRequest: 'impersonation.request',
} as const

/** The name of a logged event: a value of {@link SECURITY_EVENTS}. */
export type SecurityEvent = (typeof SECURITY_EVENTS)[keyof typeof SECURITY_EVENTS] | `session.create.${string}`

/**
 * The scope to record under when the caller passed who it is explicitly (sign-ins get a
 * `ClientContext`): its ip and user agent win over the request scope's.
 */
export function scopeWith(client: { ip?: string; userAgent?: string } = {}): RequestScope {
  const current = currentRequestScope()
  return {
    ...(current ?? { mode: 'admin' as const }),
    ip: client.ip ?? current?.ip ?? '',
    userAgent: client.userAgent ?? current?.userAgent ?? '',
  }
}

/** `session.create.<provider>` (`email`, `anonymous`, `magic-url`, `oauth2`, `server`, …). */
export function sessionCreatedEvent(provider: string): SecurityEvent {
  return `${SECURITY_EVENTS.sessionCreated}.${provider}`
}

/**
 * What anyone can cause for an account without its credentials: their own bounded lane
 * (`maxStrangerEntries`), so a flood of them never pushes out the account's own entries.
 */
const STRANGER_EVENTS: ReadonlySet<string> = new Set([SECURITY_EVENTS.signInFailed, SECURITY_EVENTS.tokenRequested, SECURITY_EVENTS.recoveryRequested])

/** The account a log entry belongs to: its record, or just its id (then it is read). */
export type LogSubject = Pick<AccountRecord, 'id' | 'email' | 'name'> | string

/** What the log needs of the core context (a narrower type: the context itself names this class). */
export interface LogContext {
  readonly options: Pick<ResolvedOptions, 'securityLog'>
  readonly store: Pick<Store, 'getAccount' | 'appendLog' | 'listLogs'>
  readonly clock: Clock
}

/** A page of an account's log, newest first. */
export interface LogPage {
  /** Entries in the log (0 when `total: false` was asked). */
  total: number
  logs: LogRecord[]
}

/**
 * The per-account security log: one `record()` every part of the code calls when a
 * security-relevant thing happens, and `list()` for `GET /account/logs` (and the Users
 * service). Entries hold the event, the time, the IP and the parsed User-Agent of the
 * request (from its {@link RequestScope}) and who acted, never a secret, code, password or
 * token: no caller passes one, and `record()` takes nothing but the event name to describe
 * what happened. Bounded per account by count and age, atomically in the store.
 */
export class SecurityLog {
  readonly #ctx: LogContext
  #warned = false

  /** @internal The core builds the log. */
  constructor(ctx: LogContext) {
    this.#ctx = ctx
  }

  /**
   * Appends `event` to the account's log. `scope` defaults to the current request's. Never
   * throws: a log write that fails (store down) is reported once per failure spell with
   * `process.emitWarning` and does not undo or fail what already happened.
   */
  async record(subject: LogSubject, event: SecurityEvent, scope: RequestScope | undefined = currentRequestScope()): Promise<void> {
    try {
      const account = typeof subject === 'string' ? await this.#ctx.store.getAccount(subject) : subject
      if (!account) return
      const { options, clock } = this.#ctx
      const now = clock.now()
      const stranger = STRANGER_EVENTS.has(event)
      const actor = scope?.actor
      // Security: what an impersonator causes (its requests, its changes) goes to a lane of its
      // own, so a flood of requests made as the account cannot push out the owner's entries.
      // The start stays in the account's lane (one per impersonator session and account), so
      // the owner always sees that someone acted as them.
      const impersonated = actor !== undefined && event !== SECURITY_EVENTS.impersonationStarted
      const lane: LogLane = stranger ? 'stranger' : impersonated ? 'impersonation' : 'account'
      const entry: LogRecord = {
        id: newId(),
        accountId: account.id,
        event,
        time: now,
        seq: nextSeq(),
        userId: actor?.id ?? account.id,
        userEmail: actor?.email ?? account.email,
        userName: actor?.name ?? account.name,
        mode: scope?.mode ?? 'admin',
        userType: actor?.userType ?? (stranger ? 'guest' : 'user'),
        ip: scope?.ip ?? '',
        client: parseUserAgent(scope?.userAgent),
      }
      const s = options.securityLog
      await this.#ctx.store.appendLog(entry, {
        lane,
        maxEntries: stranger ? s.maxStrangerEntries : s.maxEntries,
        maxAgeMs: s.maxAge * 1000,
        now,
      })
      this.#warned = false
    } catch (err) {
      if (this.#warned) return
      this.#warned = true
      process.emitWarning(`express-accounts: a security-log entry could not be stored: ${err instanceof Error ? err.message : String(err)}`, {
        code: 'EXPRESS_ACCOUNTS_LOG_FAILED',
      })
    }
  }

  /**
   * The account's log, newest first, paged by Appwrite `queries[]` (`limit`, `offset`,
   * `cursorAfter`: JSON strings as the SDKs send them, or parsed objects). `total: false`
   * skips the count (answers 0), as Appwrite's `total` parameter does.
   */
  async list(accountId: string, queries?: unknown, options: { total?: boolean } = {}): Promise<LogPage> {
    const q = parseListQueries(queries)
    const id = v.wellFormed('accountId', accountId)
    const all = await this.#ctx.store.listLogs(id, { now: this.#ctx.clock.now(), maxAgeMs: this.#ctx.options.securityLog.maxAge * 1000 })
    return { total: options.total === false ? 0 : all.length, logs: pageOf(all, q) }
  }
}

let lastSeq = 0
/** A process-wide increasing number: orders this process' entries of one millisecond across lanes. */
function nextSeq(): number {
  lastSeq = lastSeq >= Number.MAX_SAFE_INTEGER ? 1 : lastSeq + 1
  return lastSeq
}
