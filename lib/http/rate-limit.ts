import { createHash } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { callerOf } from './caller.js'
import { params } from './params.js'

/** One row of Appwrite's abuse table (wire reference §2.8). */
export interface RateLimitRule {
  /** Names the route in counter keys, e.g. `'POST /account/sessions/email'`. */
  route: string
  limit: number
  /** Window length, seconds. */
  window: number
  /**
   * Each entry is one counter; `+` joins parts into one key (`'ip+param:userId'` counts per
   * ip-and-userId pair). Any exhausted counter answers 429.
   */
  keys: string[]
  /** Reset the counters when the route answers 201 (successful sign-ins do not add up). */
  resetOn201?: boolean
}

/**
 * Fixed-window limits counted in the store, so every process behind a load balancer shares
 * them. Key values are hashed: counters never hold raw emails or phone numbers.
 */
export function rateLimit(accounts: Accounts, rule: RateLimitRule) {
  return async function rateLimited(req: Request, res: Response, next: NextFunction): Promise<void> {
    const caller = callerOf(res)
    if (!accounts.options.rateLimits || caller.isKey) return next()
    const p = params(req)
    const keys: string[] = []
    for (const template of rule.keys) {
      const values: string[] = []
      for (const part of template.split('+')) {
        let value: unknown
        if (part === 'ip') value = req.ip ?? ''
        else if (part === 'userId') value = caller.auth?.account.id ?? ''
        else value = p[part.slice('param:'.length)]
        // Appwrite leaves a `{param-x}` part empty when the param is absent.
        values.push(typeof value === 'string' ? value.toLowerCase() : '')
      }
      keys.push(`${rule.route}|${template}|${digest(values.join('\u0000'))}`)
    }
    let tightest = { remaining: rule.limit, resetMs: rule.window * 1000 }
    let exceeded = false
    for (const key of keys) {
      const { count, resetMs } = await accounts.store.hit(key, rule.window)
      const remaining = Math.max(0, rule.limit - count)
      if (remaining < tightest.remaining || (remaining === tightest.remaining && keys.length === 1)) tightest = { remaining, resetMs }
      if (count > rule.limit) exceeded = true
    }
    res.set({
      'X-RateLimit-Limit': String(rule.limit),
      'X-RateLimit-Remaining': String(tightest.remaining),
      'X-RateLimit-Reset': String(Math.ceil((Date.now() + tightest.resetMs) / 1000)),
    })
    if (exceeded) return next(new AccountsError('general_rate_limit_exceeded'))
    if (rule.resetOn201) {
      res.on('finish', () => {
        if (res.statusCode !== 201) return
        for (const key of keys) accounts.store.resetHits(key).catch(() => undefined)
      })
    }
    next()
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22)
}
