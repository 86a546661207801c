import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'

/** `DELETE /users/identities/:identityId` (node-appwrite `Users.deleteIdentity`). Registered before `/:userId`. */
export function usersIdentityRoutes(r: Router, accounts: Accounts): void {
  r.delete('/identities/:identityId', async (req: Request, res: Response) => {
    await accounts.users.deleteIdentity(String(req.params.identityId))
    res.status(204).end()
  })
}
