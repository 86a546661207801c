import type { Router } from 'express'
import { Accounts } from './accounts.js'
import './http/express-augment.js'
import { requireSession, type RequireSessionOptions } from './http/require-session.js'
import { createRouter } from './http/router.js'
import type { AccountsOptions } from './options.js'

/** The core plus its Express faces: the Appwrite-compatible router and `requireSession()`. */
export class ExpressAccounts extends Accounts {
  /** The Account REST API; mount it at the SDK endpoint path, e.g. `app.use('/v1', accounts.router())`. */
  router(): Router {
    return createRouter(this)
  }

  /** Middleware that lets only signed-in callers through; see `RequireSessionOptions`. */
  requireSession(options?: RequireSessionOptions) {
    return requireSession(this, options)
  }
}

/** Creates the account system. See `AccountsOptions` for every option, unit and default. */
export function createAccounts(options: AccountsOptions = {}): ExpressAccounts {
  return new ExpressAccounts(options)
}
