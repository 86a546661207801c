import { createHash } from 'node:crypto'
import type { AccountsError } from '../errors.js'
import type { CoreContext } from '../core/context.js'
import { phone as validPhone } from '../phone.js'
import type { HitResult } from '../store/store.js'
import { clientKey } from './client-key.js'
import { KNOWN_CLIENT_FOR, LIMITS, type Counter, type KeyPart, type LimitedRoute, type Target } from './limit-rules.js'

/** Who is asking, and for what: what counters are keyed on. */
export interface LimitSubject {
  /** The client's address as Express sees it (`req.ip`: mind `trust proxy`). */
  ip: string | undefined
  /** The signed-in caller's account id, if any. */
  caller?: string
  /** The request's parameters (body or query); only the ones the counters name are read. */
  params?: { email?: unknown; phone?: unknown; userId?: unknown; challengeId?: unknown }
}

/** One counted attempt: whether it may go on, what the limit headers say, and how it ended. */
export interface Attempt {
  allowed: boolean
  /** The most constrained counter shown to the client (null when none applies: limits off). */
  shown: { limit: number; remaining: number; resetAt: number } | null
  /** When refused: seconds until the refusing counter's window closes. */
  retryAfter: number
  /** Wrong credentials: counts a failure on the failure counters. */
  failed(): Promise<void>
  /** A success: resets the counters that reset on success. */
  succeeded(): Promise<void>
}

/** Error types that mean "wrong credentials": the only outcomes failure counters count. */
const CREDENTIAL_FAILURES = new Set(['user_invalid_credentials', 'user_invalid_token'])

/** Whether an error is a wrong credential (counts against the failure limits), as opposed to a refusal or a fault. */
export function isCredentialFailure(err: unknown): boolean {
  return CREDENTIAL_FAILURES.has((err as AccountsError | null)?.type ?? '')
}

const NO_LIMIT: Attempt = { allowed: true, shown: null, retryAfter: 0, failed: async () => undefined, succeeded: async () => undefined }

interface Planned {
  counter: Counter
  key: string
  /** The target's value, for target-wide counters. */
  target?: string
}

/**
 * The abuse limits (the table is `limit-rules.ts`), counted in the store so they hold across
 * processes, and shared by the router's middleware and the Passport strategies: a sign-in
 * costs the same whichever way it comes. Stores need only `hit` / `peekHits` / `resetHits`,
 * so any Store implementation carries them.
 */
export class Limits {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
    const hooks = ctx.events
    // A client that signs in (any way) becomes known to the account: the target-wide counts
    // never refuse it. Counted only for its window, so nothing is kept for good.
    hooks.on('signIn', ({ account, session }) => {
      if (!this.#ctx.options.rateLimits) return
      this.#ctx.store.hit(knownKey(account.id, clientKey(session.ip)), KNOWN_CLIENT_FOR).catch(() => undefined)
    })
  }

  /**
   * Counts an attempt at `route` and says whether it may go on. Call `failed()` when it ends
   * in wrong credentials (`isCredentialFailure`) and `succeeded()` when it succeeds.
   */
  async begin(route: LimitedRoute, subject: LimitSubject): Promise<Attempt> {
    if (!this.#ctx.options.rateLimits) return NO_LIMIT
    const client = clientKey(subject.ip)
    const planned = LIMITS[route].map((counter) => plan(route, counter, subject, client)).filter((p): p is Planned => p !== null)
    const store = this.#ctx.store
    const readings = await Promise.all(planned.map((p) => (p.counter.counts === 'attempts' ? store.hit(p.key, p.counter.window) : store.peekHits(p.key))))
    const now = Date.now()
    let shown: Attempt['shown'] = null
    let retryAfterMs = 0
    for (const [i, p] of planned.entries()) {
      const { limit, window, counts } = p.counter
      const r: HitResult = readings[i]
      // A failure counter is read before the attempt: it is over when this one, if it failed, would pass the limit.
      const used = counts === 'attempts' ? r.count : r.count + 1
      const resetMs = r.resetMs > 0 ? r.resetMs : window * 1000
      const over = used > limit && !(p.target !== undefined && (await this.#knows(p.counter.target!, p.target, client)))
      if (over) retryAfterMs = Math.max(retryAfterMs, resetMs)
      // A target-wide count is shown only to whom it refuses: it reflects other people's traffic.
      if (p.counter.target !== undefined && !over) continue
      const remaining = Math.max(0, limit - used)
      if (shown === null || remaining < shown.remaining) shown = { limit, remaining, resetAt: Math.ceil((now + resetMs) / 1000) }
    }
    const failureCounters = planned.filter((p) => p.counter.counts === 'failures')
    const resetCounters = planned.filter((p) => p.counter.resetOnSuccess)
    return {
      allowed: retryAfterMs === 0,
      shown,
      retryAfter: Math.ceil(retryAfterMs / 1000),
      failed: async () => {
        await Promise.all(failureCounters.map((p) => store.hit(p.key, p.counter.window)))
      },
      succeeded: async () => {
        await Promise.all(resetCounters.map((p) => store.resetHits(p.key)))
      },
    }
  }

  /** Whether `client` signed in to the account `value` names within `KNOWN_CLIENT_FOR`. */
  async #knows(target: Target, value: string, client: string): Promise<boolean> {
    const { store } = this.#ctx
    const accountId = target === 'userId' ? value : await store.findAccountId(target, value)
    if (!accountId) return false
    return (await store.peekHits(knownKey(accountId, client))).count > 0
  }
}

/** The counter key for one counter of a route, or null when it does not apply. */
function plan(route: LimitedRoute, counter: Counter, subject: LimitSubject, client: string): Planned | null {
  const values = counter.key.map((part) => valueOf(part, subject, client))
  // A count keyed only on a parameter the request left out would be shared by every such
  // request, whoever sent it: skip it (the per-IP counters still apply).
  if (counter.key.every((part) => part !== 'ip') && values.every((v) => v === '')) return null
  const target = counter.target === undefined ? undefined : valueOf(counter.target, subject, client)
  // Key values are hashed: counters never hold raw emails, phone numbers or addresses.
  return { counter, key: `${counter.group ?? route}|${counter.key.join('+')}|${digest(values.join('\u0000'))}`, target }
}

function valueOf(part: KeyPart, subject: LimitSubject, client: string): string {
  if (part === 'ip') return client
  if (part === 'caller') return subject.caller ?? ''
  const value = subject.params?.[part]
  if (typeof value !== 'string') return ''
  // One phone written several ways is one phone: count its canonical E.164 form.
  if (part === 'phone') {
    try {
      return validPhone('phone', value)
    } catch {
      return value.trim()
    }
  }
  return part === 'email' ? value.trim().toLowerCase() : value
}

function knownKey(accountId: string, client: string): string {
  return `known|${digest(`${accountId}\u0000${client}`)}`
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22)
}
