/**
 * Opt-in typing of `req.user` as the signed-in account: `import 'express-accounts/user'` once in
 * your app (or `import type {} from 'express-accounts/user'`). Then `req.user.$id`,
 * `req.user.email`, … type-check, with or without @types/passport. Leave it out when your
 * passport users are objects of your own.
 *
 * Hand-written (not compiled from lib/): a global augmentation applies to every file of the
 * program it is in, and the package's own code passes other objects through passport.
 */
import type { AccountModel } from '../dist/lib/models.js'
import '../dist/lib/http/express-augment.js'

declare global {
  namespace Express {
    /** The signed-in user is the account's public model (what `GET /v1/account` answers). */
    interface User extends AccountModel {}
  }
}
