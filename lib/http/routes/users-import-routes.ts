import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import type { HashName } from '../../hashes/imported-hash.js'
import { toUserModel } from '../user-model.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'

/** Appwrite's import paths and the scheme each stores (`hash` in the User model). */
const IMPORTS: Array<[path: string, scheme: HashName]> = [
  ['/argon2', 'argon2'],
  ['/bcrypt', 'bcrypt'],
  ['/md5', 'md5'],
  ['/phpass', 'phpass'],
  ['/sha', 'sha'],
  ['/scrypt', 'scrypt'],
  ['/scrypt-modified', 'scryptMod'],
]

/** `POST /users/<scheme>`: users with another system's password hash (lib/hashes). */
export function usersImportRoutes(r: Router, accounts: Accounts): void {
  for (const [path, scheme] of IMPORTS) {
    r.post(path, async (req: Request, res: Response) => {
      const p = params(req)
      const created = await accounts.users.importUser(scheme, { userId: p.userId, email: p.email, name: p.name }, p)
      sendJson(res, 201, toUserModel(created))
    })
  }
}
