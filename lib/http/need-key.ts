import type { NextFunction, Request, Response } from 'express'
import { AccountsError } from '../errors.js'
import { callerOf } from './caller.js'

/**
 * The Users service's scopes (`users.read` / `users.write`): only a configured API key
 * (`X-Appwrite-Key`) has them. Guests and signed-in users alike get Appwrite's
 * `401 general_unauthorized_scope`, before any parameter is read. (A wrong key never gets
 * here: `identify` already refused it.)
 */
export function needKey(scope: 'users.read' | 'users.write') {
  return function needKeyScope(_req: Request, res: Response, next: NextFunction): void {
    const caller = callerOf(res)
    if (caller.isKey) return next()
    const who = caller.auth ? 'User (role: users)' : 'User (role: guests)'
    next(new AccountsError('general_unauthorized_scope', `${who} missing scopes (["${scope}"])`))
  }
}
