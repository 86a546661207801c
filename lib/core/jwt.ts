import { createSecretKey, type KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { deepFreeze } from '../deep-freeze.js'
import { TextMemo } from '../text-memo.js'
import { AccountsError, invalidParam } from '../errors.js'
import type { AccountRecord, SessionRecord } from '../store/store.js'
import type { CoreContext } from './context.js'
import { SECURITY_EVENTS } from './security-log.js'
import type { Authenticated, Sessions } from './sessions.js'

/** Claims every JWT carries; `createJwtPayload` may add others but never replace these. */
export interface JwtClaims {
  userId: string
  sessionId: string
  /** Expiry, seconds since the epoch. */
  exp: number
  [claim: string]: unknown
}

export const JWT_DEFAULT_DURATION = 900 // seconds
export const JWT_MAX_DURATION = 3600 // seconds
const RESERVED = new Set(['userId', 'sessionId', 'exp', 'iat'])

/**
 * HS256 JWTs bound to a session: `{userId, sessionId, exp}` plus custom claims. A JWT is only
 * as alive as its session — `resolve()` checks the session in the same single store read a
 * cookie carrier costs, so deleting the session kills every JWT minted from it.
 */
export class Jwts {
  readonly #ctx: CoreContext
  readonly #sessions: Sessions
  // A KeyObject built once: jsonwebtoken given a raw string tries to parse it as a public key
  // first on every call (~340 µs); with a KeyObject a verify costs a few µs.
  readonly #key: KeyObject

  constructor(ctx: CoreContext, sessions: Sessions) {
    this.#ctx = ctx
    this.#sessions = sessions
    this.#key = createSecretKey(ctx.options.secret)
  }

  /** Mints a JWT for a signed-in session. `duration` in seconds, 1–3600 (default 900). */
  async create(account: AccountRecord, session: SessionRecord, duration: number = JWT_DEFAULT_DURATION): Promise<string> {
    if (!Number.isInteger(duration) || duration < 1 || duration > JWT_MAX_DURATION) {
      throw invalidParam('duration', `Value must be a valid range between 1 and ${JWT_MAX_DURATION}`)
    }
    const now = Math.floor(this.#ctx.clock.now() / 1000)
    const custom = this.#ctx.options.createJwtPayload ? await this.#ctx.options.createJwtPayload(account, session) : {}
    const extra: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(custom ?? {})) if (!RESERVED.has(name)) extra[name] = value
    const claims = { ...extra, userId: account.id, sessionId: session.id, iat: now, exp: now + duration }
    const token = jwt.sign(claims, this.#key, { algorithm: 'HS256' })
    await this.#ctx.securityLog.record(account, SECURITY_EVENTS.jwtCreated)
    return token
  }

  /**
   * Tokens that verified, with their claims (frozen): a client sends the same JWT on every
   * request until it expires, and checking its HMAC and parsing it again each time was most of
   * a JWT request's own cost. A hit is exactly as valid as the first verify: the signature is a
   * function of the token's text and this instance's key, so only the expiry can change, and
   * it is checked again on every hit. Only tokens that verified are kept, so an attacker's
   * tokens cost a full verify each time and cannot fill the memo with anything but their own
   * valid ones. Bounded: emptied when full, by count or by text.
   *
   * Security: the text bound matters because `createJwtPayload` may copy user-controlled data
   * (prefs, up to 64 KB) into every token, whose claims can parse into ~20 bytes of heap per
   * character: 4096 of them held GBs. So a token over 4,096 characters is verified in full
   * each time (as before the memo), and the remembered ones add up to at most 2 M characters.
   */
  readonly #verified = new TextMemo<Readonly<JwtClaims>>({
    maxEntries: 4096,
    // The longest token remembered; ours are ~250 characters plus the app's own claims.
    maxKeyChars: 4096,
    // All remembered tokens together.
    maxTotalChars: 2_000_000,
  })

  /** Checks signature and expiry (by the core clock). Throws `401 user_jwt_invalid`. */
  verify(token: string): JwtClaims {
    const known = this.#verified.get(token)
    if (known !== undefined) {
      // jsonwebtoken's rule: expired once the clock (in whole seconds) reaches `exp`.
      if (Math.floor(this.#ctx.clock.now() / 1000) < known.exp) return known
      this.#verified.delete(token)
    }
    const claims = deepFreeze(this.#verifyFully(token))
    this.#verified.set(token, claims)
    return claims
  }

  #verifyFully(token: string): JwtClaims {
    let decoded: unknown
    try {
      decoded = jwt.verify(token, this.#key, {
        algorithms: ['HS256'],
        clockTimestamp: Math.floor(this.#ctx.clock.now() / 1000),
      })
    } catch (err) {
      throw new AccountsError('user_jwt_invalid', `Failed to verify JWT. Invalid token: ${reason(err)}`)
    }
    const claims = decoded as Partial<JwtClaims> | string
    if (typeof claims !== 'object' || typeof claims.userId !== 'string' || typeof claims.sessionId !== 'string' || typeof claims.exp !== 'number') {
      throw new AccountsError('user_jwt_invalid', 'Failed to verify JWT. Invalid token: Missing claims')
    }
    return claims as JwtClaims
  }

  /**
   * The account and session a JWT speaks for, or null when its session is gone (the caller
   * is then a guest, as in Appwrite). Throws for a bad or expired JWT.
   */
  async resolve(token: string): Promise<Authenticated | null> {
    const claims = this.verify(token)
    return this.#sessions.resolveById(claims.userId, claims.sessionId)
  }
}

function reason(err: unknown): string {
  const name = (err as { name?: string })?.name
  const message = (err as { message?: string })?.message ?? ''
  if (name === 'TokenExpiredError') return 'Expired'
  if (message === 'invalid signature') return 'Signature failed'
  if (message === 'jwt malformed' || message === 'jwt must be provided') return 'Incomplete segments'
  return message || 'Unknown error'
}
