import type { AccountModel, SessionModel } from '../models.js'

// `user` is declared exactly as @types/passport declares it (`user?: User | undefined`, `User`
// an interface to merge into), so it exists without @types/passport and the two declarations
// merge when it is installed. `User` itself is left to the app: `express-accounts/user` (an
// opt-in import) makes it the Account model; forcing that here would break apps whose passport
// users are something else.
declare global {
  namespace Express {
    // A declaration-merging target, as in @types/passport.
    interface User {}

    interface Request {
      /** The signed-in account (public model), set by `requireSession()` and the passport integration. */
      account?: AccountModel
      /** The session the request was authenticated with, set by `requireSession()`. */
      accountSession?: SessionModel
      /**
       * Set by `requireSession()` when an impersonator acts as `req.account`: the impersonator's
       * account id (`req.accountSession` is then the impersonator's session).
       */
      impersonatorId?: string
      /** The signed-in user: the account, unless something else (e.g. passport) set it first. Typed as the account by `import 'express-accounts/user'`. */
      user?: User | undefined
    }
  }
}
