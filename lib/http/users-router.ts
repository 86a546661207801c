import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { checkProjectAndKey, setCaller } from './caller.js'
import { parseBody } from './body.js'
import { cors } from './cors.js'
import { settleLimits } from './rate-limit.js'
import { errorHandler } from './render-error.js'
import { noStore } from './response-policy.js'
import { usersImportRoutes } from './routes/users-import-routes.js'
import { usersMfaRoutes } from './routes/users-mfa-routes.js'
import { usersRoutes } from './routes/users-routes.js'
import { usersSessionRoutes } from './routes/users-session-routes.js'

/**
 * Appwrite's Users service under `/users`: API-key callers only. Keys are not rate limited
 * (Appwrite skips abuse checks for them), so no route here counts hits.
 */
export function createUsersRouter(accounts: Accounts): Router {
  const users = express.Router()
  users.use(noStore)
  users.use(cors(accounts))
  users.use(parseBody)
  // Security: the key is checked before anything else reads the request: a guest, a
  // signed-in user, a JWT holder and a wrong key all stop here with 401, and no session is
  // even looked up (a user's session grants nothing on this service).
  users.use(function needApiKey(req: Request, res: Response, next: NextFunction) {
    if (!checkProjectAndKey(req, accounts)) {
      const scope = req.method === 'GET' || req.method === 'HEAD' ? 'users.read' : 'users.write'
      throw new AccountsError('general_unauthorized_scope', `User (role: guests) missing scopes (["${scope}"])`)
    }
    setCaller(res, { isKey: true, auth: null, source: null, value: null })
    next()
  })
  usersImportRoutes(users, accounts)
  usersSessionRoutes(users, accounts)
  usersMfaRoutes(users, accounts)
  usersRoutes(users, accounts)
  users.use(function routeNotFound(_req: Request, _res: Response, next: NextFunction) {
    next(new AccountsError('general_route_not_found'))
  })
  users.use(settleLimits)
  users.use(errorHandler)
  return users
}
