import type { AccountModel, SessionModel } from '../models.js'

declare global {
  namespace Express {
    interface Request {
      /** The signed-in account (public model), set by `requireSession()`. */
      account?: AccountModel
      /** The session the request was authenticated with, set by `requireSession()`. */
      accountSession?: SessionModel
      /**
       * Set by `requireSession()` when an impersonator acts as `req.account`: the impersonator's
       * account id (`req.accountSession` is then the impersonator's session).
       */
      impersonatorId?: string
    }
  }
}
