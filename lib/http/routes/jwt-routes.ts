import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { AccountsError, invalidParam } from '../../errors.js'
import { JWT_DEFAULT_DURATION, JWT_MAX_DURATION } from '../../core/jwt.js'
import { callerOf } from '../caller.js'
import { authOf, needAccount } from '../guards.js'
import { params } from '../params.js'
import { rateLimit } from '../rate-limit.js'
import { sendJson } from '../respond.js'

/** `POST /account/jwts` (+ Appwrite's older `/account/jwt`). */
export function jwtRoutes(r: Router, accounts: Accounts): void {
  const limit = rateLimit(accounts, 'POST /account/jwts')
  const create = async (req: Request, res: Response) => {
    // A JWT minting JWTs would let a leaked short-lived token renew itself forever.
    if (callerOf(res).source === 'jwt') throw new AccountsError('user_jwt_creation_denied')
    const { account, session } = authOf(res)
    const jwt = await accounts.jwts.create(account, session, duration(params(req).duration))
    sendJson(res, 201, { jwt })
  }
  r.post('/jwts', needAccount(accounts), limit, create)
  r.post('/jwt', needAccount(accounts), limit, create)
}

/** Seconds, 1–3600 (Appwrite allows 0 and then fails with a 500; we refuse it). */
function duration(value: unknown): number {
  if (value === undefined || value === null) return JWT_DEFAULT_DURATION
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > JWT_MAX_DURATION) {
    throw invalidParam('duration', `Value must be a valid range between 1 and ${JWT_MAX_DURATION}`)
  }
  return n
}
