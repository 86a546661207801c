import type { ErrorRequestHandler, Request, Router } from 'express'
import { Accounts } from './accounts.js'
import './http/express-augment.js'
import { deserializer, logOut, serializer } from './http/passport-session.js'
import { errorHandler } from './http/render-error.js'
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

  /**
   * Error middleware for your own routes (e.g. passport apps without the router): renders
   * `AccountsError`s Appwrite-shaped with their status, anything else as `500 general_unknown`.
   */
  errorHandler(): ErrorRequestHandler {
    return errorHandler
  }

  /** For `passport.serializeUser()`: stores a reference to the sign-in's Session record. */
  readonly serializeUser = serializer(this)

  /** For `passport.deserializeUser()`: resolves that reference; revoked → logged out. */
  readonly deserializeUser = deserializer(this)

  /** Installs `serializeUser` and `deserializeUser` on a passport instance. */
  usePassport(passport: PassportLike): void {
    if (!passport || typeof passport.serializeUser !== 'function' || typeof passport.deserializeUser !== 'function') {
      throw new TypeError('usePassport(passport) needs a passport instance (serializeUser / deserializeUser)')
    }
    passport.serializeUser(this.serializeUser)
    passport.deserializeUser(this.deserializeUser)
  }

  /** Signs the passport user out: deletes its Session record, then `req.logout()`. */
  logOut(req: Request): Promise<void> {
    return logOut(this, req)
  }
}

/** The part of a passport instance `usePassport` needs (keeps passport an optional peer). */
export interface PassportLike {
  // Passport's own typings of these callbacks vary between versions; any function is accepted.
  /** passport's `serializeUser`. */
  // biome-ignore lint/suspicious/noExplicitAny: passport's typings of this callback vary between versions.
  serializeUser(fn: (...args: any[]) => void): void
  /** passport's `deserializeUser`. */
  // biome-ignore lint/suspicious/noExplicitAny: passport's typings of this callback vary between versions.
  deserializeUser(fn: (...args: any[]) => void): void
}

/** Creates the account system. See `AccountsOptions` for every option, unit and default. */
export function createAccounts(options: AccountsOptions = {}): ExpressAccounts {
  return new ExpressAccounts(options)
}
