import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'
import { toUserList } from '../user-model.js'

/** The Users API's `total` param: `false` skips counting. */
export const wantsTotal = (v: unknown): boolean => !(v === false || v === 'false' || v === '0')

/** `GET /users`: the Users service's `list` (the users router lets only API keys in; no rate limit, as for every key). */
export function usersListRoutes(r: Router, accounts: Accounts): void {
  r.get('/', async (req: Request, res: Response) => {
    const p = params(req)
    const page = await accounts.listAccounts(p.queries as string[] | undefined, {
      search: p.search as string | undefined,
      total: wantsTotal(p.total),
    })
    sendJson(res, 200, toUserList(page.total, page.accounts))
  })
}
