import { createHmac, randomBytes, randomInt } from 'node:crypto'
import { newId } from '../secrets.js'
import { assertStorable } from '../storable.js'
import type { TokenRecord } from '../store/store.js'
import type { CoreContext } from './context.js'
import { SECURITY_EVENTS, type SecurityEvent } from './security-log.js'
import { TOKEN_KINDS, type TokenKind } from './token-kinds.js'

/** The security-log entry a new token of each kind makes (none for MFA challenges: a session asks for those). */
const REQUESTED_EVENT: Readonly<Record<TokenKind, SecurityEvent | null>> = {
  'email-otp': SECURITY_EVENTS.tokenRequested,
  'magic-url': SECURITY_EVENTS.tokenRequested,
  'phone-otp': SECURITY_EVENTS.tokenRequested,
  server: SECURITY_EVENTS.tokenRequested,
  oauth2: SECURITY_EVENTS.tokenRequested,
  recovery: SECURITY_EVENTS.recoveryRequested,
  'email-verification': SECURITY_EVENTS.verificationRequested,
  'phone-verification': SECURITY_EVENTS.verificationRequested,
  'mfa-challenge': null,
}

/**
 * Live 256-bit links of one kind an account may have at once (the newest). More than a stranger
 * may ask for within a link's lifetime (magic URL: 180 an hour per address, lib/limits), so
 * asking cannot push the owner's link out; with limits off it still bounds the storage.
 */
export const LINKS_KEPT = 200

export interface IssueOptions {
  /** `code`: 6 digits people type; `secret`: 256 bits (64 hex) carried in a link. Default: the kind's (`TOKEN_KINDS`). */
  format?: 'code' | 'secret'
  /** Lifetime, seconds. */
  ttl: number
  data?: Record<string, unknown>
  /** A token id chosen by the caller (MFA challenges). Default: a new id. */
  id?: string
  /** A secret chosen by the caller instead of a generated one. */
  secret?: string
  /**
   * Wrong secrets the token survives (`0` = misses are not counted). Default: a `code` gets
   * `options.maxTokenFailures`; a `secret` (256 bits) gets `0`, because no guess against it can
   * succeed and counting strangers' misses would only let them void the owner's link.
   */
  maxFailures?: number
}

/** A token request's outcome. `secret` is `''` when nothing was issued (a decoy answer). */
export interface TokenIssue {
  token: TokenRecord
  secret: string
  phrase: string
}

/** A token that was just issued: the stored record and the raw secret, which only its owner may see. */
export interface IssuedToken {
  token: TokenRecord
  /** The raw secret: mailed or texted, shown to API-key callers, never stored. */
  secret: string
}

/**
 * Single-use tokens. Secrets are stored as HMAC-SHA256 under the server secret: a 6-digit
 * code hashed without a key would fall to a million guesses if the store leaked; keyed, the
 * stored value is useless without `options.secret`.
 */
export class Tokens {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  /** The HMAC-SHA256 (under `options.secret`) a token secret is stored as. */
  hash(secret: string): string {
    return createHmac('sha256', this.#ctx.options.secret).update('express-accounts:token:').update(secret).digest('hex')
  }

  /**
   * Issues a token. A guessable one (a 6-digit code, or any token counting misses) replaces
   * the account's earlier ones of the same kind: asking again never multiplies the guesses an
   * attacker gets. A 256-bit link does not: no guess against it can succeed, and replacing it
   * let a stranger who knows only the email void the owner's link by asking for another. At
   * most `LINKS_KEPT` of a kind stay live (the oldest go), so storage stays bounded even with
   * rate limits off. Both atomically in the store.
   */
  async issue(accountId: string, kind: TokenKind, opts: IssueOptions): Promise<IssuedToken> {
    const now = this.#ctx.clock.now()
    const format = opts.format ?? TOKEN_KINDS[kind].format
    const secret = opts.secret ?? (format === 'code' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : randomBytes(32).toString('hex'))
    const token: TokenRecord = {
      id: opts.id ?? newId(),
      accountId,
      kind,
      secretHash: this.hash(secret),
      createdAt: now,
      expiresAt: now + opts.ttl * 1000,
      failures: 0,
      maxFailures: opts.maxFailures ?? (format === 'code' ? this.#ctx.options.maxTokenFailures : 0),
      data: opts.data ?? {},
    }
    // Token scripts decode every token of the account in Lua: one undecodable token would
    // stop all of that account's codes and links.
    assertStorable(token)
    const unguessable = format === 'secret' && token.maxFailures === 0
    await this.#ctx.store.putToken(token, opts.ttl * 1000, { keepSameKind: unguessable ? LINKS_KEPT - 1 : 0 })
    const event = REQUESTED_EVENT[kind]
    // Logged by kind only: never the secret, the code or the token's data.
    if (event) await this.#ctx.securityLog.record(accountId, event)
    return { token, secret }
  }

  /**
   * Consumes a live token of one of `kinds` whose secret matches, atomically: of concurrent
   * redemptions exactly one gets the token. A miss counts against every live candidate that
   * counts misses (codes), which dies at its `maxFailures` even if the right secret follows.
   */
  async redeem(accountId: string, kinds: readonly TokenKind[], secret: string, id?: string): Promise<TokenRecord | null> {
    return this.#ctx.store.consumeToken(accountId, {
      id,
      kinds: [...kinds],
      secretHash: this.hash(secret),
      now: this.#ctx.clock.now(),
    })
  }

  /** A token-shaped answer for a request that must not reveal that nothing was issued. */
  decoy(userId: string, ttl: number): TokenRecord {
    const now = this.#ctx.clock.now()
    return { id: newId(), accountId: userId, kind: 'decoy', secretHash: '', createdAt: now, expiresAt: now + ttl * 1000, failures: 0, maxFailures: 0, data: {} }
  }
}
