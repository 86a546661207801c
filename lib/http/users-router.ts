import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import type { Accounts } from '../accounts.js'
import { inRequestScope } from '../core/request-scope.js'
import { parseBody } from './body.js'
import { identify } from './caller.js'
import { cors } from './cors.js'
import { needKey } from './need-key.js'
import { errorHandler, routeNotFound } from './render-error.js'
import { clientContext } from './respond.js'
import { noStore, warnUntrustedProxy } from './response-policy.js'
import { usersIdentityRoutes } from './routes/users-identity-routes.js'
import { usersImportRoutes } from './routes/users-import-routes.js'
import { usersListRoutes } from './routes/users-list-routes.js'
import { usersMfaRoutes } from './routes/users-mfa-routes.js'
import { usersRoutes } from './routes/users-routes.js'
import { usersSessionRoutes } from './routes/users-session-routes.js'
import { usersTargetRoutes } from './routes/users-target-routes.js'

/**
 * Appwrite's Users service under `/users`: for API-key callers only (`needKey`, before any
 * route). Same pipeline as `/account` (wire reference §2.3) without rate limits: they never
 * apply to keys, and nobody else gets past the guard.
 */
export function createUsersRouter(accounts: Accounts): Router {
  const users = express.Router()
  users.use(noStore)
  users.use(warnUntrustedProxy())
  users.use(cors(accounts))
  users.use(parseBody)
  users.use(async function identifyCaller(req: Request, res: Response, next: NextFunction) {
    await identify(req, res, accounts)
    // Every security-log entry a Users call causes is an admin (API key) action from this client.
    const { ip, userAgent } = clientContext(req, res)
    inRequestScope({ ip: ip ?? '', userAgent: userAgent ?? '', mode: 'admin' }, next)
  })
  // Every path under /users, known or not, is the key's: others learn nothing, not even which routes exist.
  const read = needKey('users.read')
  const write = needKey('users.write')
  users.use(function usersScope(req: Request, res: Response, next: NextFunction) {
    ;(req.method === 'GET' || req.method === 'HEAD' ? read : write)(req, res, next)
  })
  // Fixed paths (`/identities`, `/argon2`…) before `/:userId`.
  usersListRoutes(users, accounts)
  usersIdentityRoutes(users, accounts)
  usersImportRoutes(users, accounts)
  usersSessionRoutes(users, accounts)
  usersMfaRoutes(users, accounts)
  usersTargetRoutes(users, accounts)
  usersRoutes(users, accounts)
  users.use(routeNotFound)
  users.use(errorHandler)
  return users
}
