import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { identify } from './caller.js'
import { impersonate } from './impersonate.js'
import { inRequestScope } from '../core/request-scope.js'
import { clientContext } from './respond.js'
import { logRoutes } from './routes/log-routes.js'
import { parseBody } from './body.js'
import { cors } from './cors.js'
import { settleLimits } from './rate-limit.js'
import { noStore, warnUntrustedProxy } from './response-policy.js'
import { errorHandler, routeNotFound } from './render-error.js'
import { accountRoutes } from './routes/account-routes.js'
import { jwtRoutes } from './routes/jwt-routes.js'
import { mfaRoutes } from './routes/mfa-routes.js'
import { oauth2Routes } from './routes/oauth2-routes.js'
import { recoveryRoutes } from './routes/recovery-routes.js'
import { sessionRoutes } from './routes/session-routes.js'
import { targetRoutes } from './routes/target-routes.js'
import { tokenRoutes } from './routes/token-routes.js'
import { createUsersRouter } from './users-router.js'

/**
 * The Appwrite-compatible Account API, mounted where the SDK endpoint points:
 * `app.use('/v1', accounts.router())`. Everything it answers lives under `/account` and `/users`;
 * other paths fall through to the host app.
 */
export function createRouter(accounts: Accounts): Router {
  const account = express.Router()
  account.use(noStore)
  account.use(warnUntrustedProxy())
  account.use(cors(accounts))
  account.use(parseBody)
  // Pipeline order follows Appwrite (wire reference §2.3): who is calling and whether the
  // account is blocked come before rate limits, session checks and parameter validation.
  account.use(async function identifyCaller(req: Request, res: Response, next: NextFunction) {
    const caller = await identify(req, res, accounts)
    if (caller.auth && !caller.auth.account.status) throw new AccountsError('user_blocked')
    // At most once a day per account; never delays or fails the request. Runs before
    // impersonation swaps the account: an impersonator's requests are not the target's activity.
    if (caller.auth) accounts.touch(caller.auth.account).catch(() => undefined)
    // Who is asking, for the security log: everything this request does runs in its scope.
    const { ip, userAgent } = clientContext(req, res)
    inRequestScope({ ip: ip ?? '', userAgent: userAgent ?? '', mode: caller.isKey ? 'admin' : 'default' }, next)
  })
  account.use(impersonate(accounts))
  accountRoutes(account, accounts)
  sessionRoutes(account, accounts)
  tokenRoutes(account, accounts)
  recoveryRoutes(account, accounts)
  jwtRoutes(account, accounts)
  oauth2Routes(account, accounts)
  mfaRoutes(account, accounts)
  targetRoutes(account, accounts)
  logRoutes(account, accounts)
  account.use(routeNotFound)
  account.use(settleLimits)
  account.use(errorHandler)

  const router = express.Router()
  // An SDK endpoint configured with a trailing slash (`…/v1/`) sends `//account`.
  router.use(function collapseLeadingSlashes(req: Request, _res: Response, next: NextFunction) {
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/{2,}/, '/')
    next()
  })
  router.use('/account', account)
  router.use('/users', createUsersRouter(accounts))
  return router
}
