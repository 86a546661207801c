import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toAccountModel } from '../../models.js'
import * as v from '../../validate.js'
import { authOf, currentSessionId, needAccount } from '../guards.js'
import { accountModelFor } from '../impersonate.js'
import { params } from '../params.js'
import { rateLimit } from '../rate-limit.js'
import { clearSessionCookies } from '../session-cookies.js'
import { cookieSettings, sendJson } from '../respond.js'

/** `/account`: sign-up, read, delete, name, password, email, prefs, status. */
export function accountRoutes(r: Router, accounts: Accounts): void {
  const account = needAccount(accounts)

  // Sign-up is allowed while signed in (Appwrite does not put it in the `session` group).
  r.post('/', rateLimit(accounts, 'POST /account'), async (req: Request, res: Response) => {
    const p = params(req)
    const created = await accounts.createAccount({
      // Required on the wire (the SDKs send `ID.unique()`); optional for server-side callers.
      userId: v.requireString('userId', p.userId),
      email: p.email as string,
      password: p.password as string,
      name: p.name as string | undefined,
    })
    sendJson(res, 201, toAccountModel(created))
  })

  r.get('/', account, (_req: Request, res: Response) => {
    sendJson(res, 200, accountModelFor(res, authOf(res).account))
  })

  r.delete('/', account, async (req: Request, res: Response) => {
    await accounts.deleteAccount(authOf(res).account.id)
    clearSessionCookies(req, res, cookieSettings(accounts))
    res.status(204).end()
  })

  r.patch('/name', account, async (req: Request, res: Response) => {
    const updated = await accounts.updateName(authOf(res).account.id, params(req).name as string)
    sendJson(res, 200, accountModelFor(res, updated))
  })

  r.patch(
    '/password',
    account,
    rateLimit(accounts, 'PATCH /account/password'),
    async (req: Request, res: Response) => {
      const p = params(req)
      // A JWT caller has no current session (as everywhere): then every session ends, the
      // JWT's own included.
      const keepSessionId = currentSessionId(res) ?? undefined
      const updated = await accounts.updatePassword(authOf(res).account.id, p.password as string, p.oldPassword as string | undefined, { keepSessionId, sessionId: authOf(res).session.id })
      sendJson(res, 200, toAccountModel(updated))
    },
  )

  r.patch('/email', account, rateLimit(accounts, 'PATCH /account/email'), async (req: Request, res: Response) => {
    const p = params(req)
    const updated = await accounts.updateEmail(authOf(res).account.id, p.email as string, p.password as string, { sessionId: authOf(res).session.id })
    sendJson(res, 200, toAccountModel(updated))
  })

  r.patch('/phone', account, rateLimit(accounts, 'PATCH /account/phone'), async (req: Request, res: Response) => {
    const p = params(req)
    const updated = await accounts.updatePhone(authOf(res).account.id, p.phone as string, p.password as string, { sessionId: authOf(res).session.id })
    sendJson(res, 200, toAccountModel(updated))
  })

  r.get('/prefs', account, (_req: Request, res: Response) => {
    sendJson(res, 200, authOf(res).account.prefs)
  })

  r.patch('/prefs', account, async (req: Request, res: Response) => {
    const updated = await accounts.updatePrefs(authOf(res).account.id, params(req).prefs)
    sendJson(res, 200, accountModelFor(res, updated))
  })

  // Blocks the caller's own account; its sessions then answer 403 user_blocked.
  r.patch('/status', account, async (req: Request, res: Response) => {
    const updated = await accounts.blockAccount(authOf(res).account.id)
    clearSessionCookies(req, res, cookieSettings(accounts))
    sendJson(res, 200, toAccountModel(updated))
  })
}
