/**
 * The abuse-limit table: Appwrite's per-route limits (wire reference §2.8) with two kinds of
 * change, both for one rule — a stranger's failures must never lock an account's owner out:
 *
 * - Appwrite keys some limits by the target alone (`{param-email}`, `{param-userId}`): ten
 *   bad attempts by anyone who knows an email or an account id blocked its owner for an hour.
 *   Those are keyed per IP *and* target here, so a stranger spends only their own allowance.
 * - What bounds guessing spread over many IPs is a target-wide count (`target`), high enough
 *   that one IP cannot reach it (its per-IP limits stop it first), and which never refuses a
 *   client that has signed in to the account before (a known client).
 *
 * On top: failed sign-ins, code and link redemptions are counted per IP across all targets
 * (password spraying, code guessing over many accounts), and contact changes are limited
 * (`PATCH /account/email` answers 409 for a taken address: an existence oracle).
 */

/** What a counter is keyed on. `caller` is the signed-in account; the rest are request parameters. */
export type KeyPart = 'ip' | 'caller' | 'email' | 'phone' | 'userId' | 'challengeId'

/** Which request parameter names the account a target-wide counter protects. */
export type Target = 'email' | 'phone' | 'userId'

/** One counter of an abuse limit: what it counts, how many per window. */
export interface Counter {
  /** The parts of the key, e.g. `['ip', 'email']` counts per IP-and-email pair. `ip` is the client's `clientKey`. */
  key: KeyPart[]
  limit: number
  /** Fixed window, seconds (the first counted request starts it). */
  window: number
  /**
   * `attempts`: every request counts, before it runs (Appwrite's model; race-free).
   * `failures`: only wrong credentials count (`401 user_invalid_credentials` / `user_invalid_token`),
   * after the answer is known; checked before each attempt. Users sharing an IP (offices,
   * carrier NAT) who get their passwords right are not counted against each other.
   */
  counts: 'attempts' | 'failures'
  /** A success (2xx) resets it, so a user's own typos do not add up (Appwrite's `abuse-reset`). */
  resetOnSuccess?: boolean
  /** A counter shared by several routes; default: the route's own. */
  group?: string
  /** Target-wide: only clients not known to the target's account are refused by it. */
  target?: Target
}

const HOUR = 3600

const attempts = (key: KeyPart[], limit: number, more: Partial<Counter> = {}): Counter => ({ key, limit, window: HOUR, counts: 'attempts', ...more })
const failures = (key: KeyPart[], limit: number, more: Partial<Counter> = {}): Counter => ({ key, limit, window: HOUR, counts: 'failures', ...more })

/** Failed credentials one IP (IPv6: one /64) may spend per hour on a family of routes, across all accounts. */
export const FAILURES_PER_IP = 20
/** Failed passwords per account per hour, from clients that never signed in to it, before they are refused. */
export const PASSWORD_FAILURES_PER_ACCOUNT = 30
/** How long a client stays known to an account after signing in to it, seconds (30 days). */
export const KNOWN_CLIENT_FOR = 30 * 24 * HOUR

/** The abuse limits of every credential route (the table in docs/security.md), keyed by route. */
export const LIMITS = {
  'POST /account': [attempts(['ip'], 10)],
  'POST /account/sessions/email': [
    attempts(['ip', 'email'], 10, { resetOnSuccess: true }),
    failures(['ip'], FAILURES_PER_IP, { group: 'password' }),
    failures(['email'], PASSWORD_FAILURES_PER_ACCOUNT, { target: 'email' }),
  ],
  'POST /account/sessions/anonymous': [attempts(['ip'], 50)],
  // A code or link secret works on any of the three redemption routes: one per-IP failure count.
  'POST /account/sessions/token': [attempts(['ip', 'userId'], 10, { resetOnSuccess: true }), failures(['ip'], FAILURES_PER_IP, { group: 'token-sign-in' })],
  'PUT /account/sessions/magic-url': [attempts(['ip', 'userId'], 10, { resetOnSuccess: true }), failures(['ip'], FAILURES_PER_IP, { group: 'token-sign-in' })],
  'PUT /account/sessions/phone': [attempts(['ip', 'userId'], 10), failures(['ip'], FAILURES_PER_IP, { group: 'token-sign-in' })],
  'GET /account/sessions/oauth2/:provider': [attempts(['ip'], 50)],
  'GET /account/sessions/oauth2/callback': [attempts(['ip'], 50)],
  'GET /account/tokens/oauth2/:provider': [attempts(['ip'], 50)],
  // Sending: the target-wide count bounds mail and SMS to one inbox or phone (3× Appwrite's
  // per-address number, so one IP, held to 1×, cannot reach it).
  'POST /account/tokens/magic-url': [attempts(['ip', 'email'], 60), attempts(['ip'], 60), attempts(['email'], 180, { target: 'email' })],
  'POST /account/tokens/email': [attempts(['ip', 'email'], 10), attempts(['ip'], 10), attempts(['email'], 30, { target: 'email' })],
  'POST /account/tokens/phone': [attempts(['ip', 'phone'], 10), attempts(['ip'], 10), attempts(['phone'], 30, { target: 'phone' })],
  'POST /account/recovery': [attempts(['ip', 'email'], 10), attempts(['ip'], 10), attempts(['email'], 30, { target: 'email' })],
  'PUT /account/recovery': [attempts(['ip', 'userId'], 10), failures(['ip'], FAILURES_PER_IP, { group: 'secret-link' })],
  'POST /account/verifications/email': [attempts(['caller'], 10)],
  'PUT /account/verifications/email': [attempts(['ip', 'userId'], 10), failures(['ip'], FAILURES_PER_IP, { group: 'secret-link' })],
  'POST /account/verifications/phone': [attempts(['caller'], 10), attempts(['ip'], 10)],
  'PUT /account/verifications/phone': [attempts(['ip', 'userId'], 10), failures(['ip'], FAILURES_PER_IP, { group: 'secret-link' })],
  'POST /account/jwts': [attempts(['caller'], 120, { window: 60 })],
  'PATCH /account/password': [attempts(['ip'], 10), attempts(['caller'], 10)],
  // Not limited by Appwrite. A 409 tells whether another account holds the address, and an
  // anonymous session costs nothing: email and phone changes share one budget.
  'PATCH /account/email': [attempts(['caller'], 10, { group: 'contact' }), attempts(['ip'], 20, { group: 'contact' })],
  'PATCH /account/phone': [attempts(['caller'], 10, { group: 'contact' }), attempts(['ip'], 20, { group: 'contact' })],
  'PATCH /account/sessions/:sessionId': [attempts(['ip'], 10)],
  'DELETE /account/sessions': [attempts(['ip'], 100)],
  'DELETE /account/sessions/:sessionId': [attempts(['ip'], 100)],
  'POST /account/mfa/challenges': [attempts(['caller'], 10)],
  'PUT /account/mfa/challenges': [attempts(['challengeId'], 10)],
} as const satisfies Record<string, readonly Counter[]>

/** A route (or the strategy doing the same thing) that has limits. */
export type LimitedRoute = keyof typeof LIMITS
