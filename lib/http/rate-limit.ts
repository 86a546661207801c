import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { isCredentialFailure, type Attempt } from '../limits/limits.js'
import type { LimitedRoute } from '../limits/limit-rules.js'
import { withRetryAfter } from '../retry-after.js'
import { callerOf } from './caller.js'
import { params } from './params.js'

const ATTEMPT_KEY = 'expressAccountsAttempt'

/**
 * The route's abuse limits (`lib/limits/limit-rules.ts`), checked where Appwrite checks them:
 * after the caller is known, before session checks and parameter validation. Sets Appwrite's
 * `X-RateLimit-Limit` / `-Remaining` / `-Reset` for the most constrained counter; a refusal is
 * `429 general_rate_limit_exceeded` with `Retry-After`. API-key callers are not limited.
 */
export function rateLimit(accounts: Accounts, route: LimitedRoute) {
  return async function rateLimited(req: Request, res: Response, next: NextFunction): Promise<void> {
    const caller = callerOf(res)
    if (caller.isKey) return next()
    const attempt = await accounts.limits.begin(route, { ip: req.ip, caller: caller.auth?.account.id, params: params(req) })
    if (attempt.shown) {
      res.set({
        'X-RateLimit-Limit': String(attempt.shown.limit),
        'X-RateLimit-Remaining': String(attempt.shown.remaining),
        'X-RateLimit-Reset': String(attempt.shown.resetAt),
      })
    }
    if (!attempt.allowed) {
      // Set here too, so a route with its own error page (the OAuth2 HTML one) sends it as well.
      res.set('Retry-After', String(Math.max(1, attempt.retryAfter)))
      return next(withRetryAfter(new AccountsError('general_rate_limit_exceeded'), attempt.retryAfter))
    }
    res.locals[ATTEMPT_KEY] = attempt
    res.on('finish', () => {
      if (res.statusCode >= 200 && res.statusCode < 300) attempt.succeeded().catch(() => undefined)
    })
    next()
  }
}

/**
 * Error middleware, before the renderer: counts wrong credentials on the failure counters
 * before the answer goes out (so the client's next try already sees them). `Retry-After` goes
 * out with the error itself (`AccountsError.headers`).
 */
export async function settleLimits(err: unknown, _req: Request, res: Response, next: NextFunction): Promise<void> {
  const attempt = res.locals[ATTEMPT_KEY] as Attempt | undefined
  if (attempt && isCredentialFailure(err)) {
    // A store fault while counting does not change the answer: the checks before the next
    // attempt read the same counters, so a store that cannot count refuses there.
    await attempt.failed().catch(() => undefined)
  }
  next(err)
}
