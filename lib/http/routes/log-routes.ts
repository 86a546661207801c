import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toLogModel } from '../../log-model.js'
import { authOf, needAccount } from '../guards.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'

/** `GET /account/logs`: the caller's security log, newest first (LogList `{total, logs}`). */
export function logRoutes(r: Router, accounts: Accounts): void {
  r.get('/logs', needAccount(accounts), async (req: Request, res: Response) => {
    const p = params(req)
    const total = p.total !== 'false' && p.total !== false
    const page = await accounts.listLogs(authOf(res).account.id, p.queries, { total })
    sendJson(res, 200, { total: page.total, logs: page.logs.map(toLogModel) })
  })
}
