import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toIdentityModel } from '../../models.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'
import { wantsTotal } from './users-list-routes.js'

/**
 * `GET /users/identities` and `DELETE /users/identities/:identityId` (node-appwrite
 * `Users.listIdentities` / `deleteIdentity`). Registered before `/:userId`, so `identities` is
 * never read as a user id. The users router has let only API keys in.
 */
export function usersIdentityRoutes(r: Router, accounts: Accounts): void {
  r.get('/identities', async (req: Request, res: Response) => {
    const p = params(req)
    const page = await accounts.users.listIdentities(p.queries, { search: p.search as string | undefined, total: wantsTotal(p.total) })
    sendJson(res, 200, { total: page.total, identities: page.identities.map(toIdentityModel) })
  })
  r.delete('/identities/:identityId', async (req: Request, res: Response) => {
    await accounts.users.deleteIdentity(String(req.params.identityId))
    res.status(204).end()
  })
}
