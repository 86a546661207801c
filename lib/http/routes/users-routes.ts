import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toLogModel } from '../../log-model.js'
import { toUserModel } from '../user-model.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'

/** `/users`: create, read, delete, and the per-field updates of Appwrite's Users service. */
export function usersRoutes(r: Router, accounts: Accounts): void {
  const { users } = accounts

  r.post('/', async (req: Request, res: Response) => {
    const p = params(req)
    const created = await users.create({ userId: p.userId, email: p.email, phone: p.phone, password: p.password, name: p.name })
    sendJson(res, 201, toUserModel(created))
  })

  r.get('/:userId', async (req: Request, res: Response) => {
    sendJson(res, 200, toUserModel(await users.get(userIdOf(req))))
  })

  r.delete('/:userId', async (req: Request, res: Response) => {
    await users.delete(userIdOf(req))
    res.status(204).end()
  })

  const update = (path: string, apply: (userId: string, p: Record<string, unknown>) => ReturnType<typeof users.get>) => {
    r.patch(`/:userId/${path}`, async (req: Request, res: Response) => {
      sendJson(res, 200, toUserModel(await apply(userIdOf(req), params(req))))
    })
  }
  update('name', (id, p) => users.updateName(id, p.name))
  update('email', (id, p) => users.updateEmail(id, p.email))
  update('phone', (id, p) => users.updatePhone(id, p.number))
  update('password', (id, p) => users.updatePassword(id, p.password))
  update('status', (id, p) => users.updateStatus(id, p.status))
  update('verification', (id, p) => users.updateEmailVerification(id, p.emailVerification))
  update('verification/phone', (id, p) => users.updatePhoneVerification(id, p.phoneVerification))
  update('mfa', (id, p) => users.updateMfa(id, p.mfa))
  update('impersonator', (id, p) => accounts.updateImpersonator(id, p.impersonator as boolean))
  // Appwrite's updateLabels is a PUT: the list replaces the labels whole.
  r.put('/:userId/labels', async (req: Request, res: Response) => {
    sendJson(res, 200, toUserModel(await accounts.updateLabels(userIdOf(req), params(req).labels)))
  })

  // The user's security log (LogList), as `GET /account/logs` answers it to the user.
  r.get('/:userId/logs', async (req: Request, res: Response) => {
    const p = params(req)
    const userId = userIdOf(req)
    await users.get(userId) // 404 user_not_found for a wrong id, not an empty list
    const page = await accounts.listLogs(userId, p.queries, { total: p.total !== 'false' && p.total !== false })
    sendJson(res, 200, { total: page.total, logs: page.logs.map(toLogModel) })
  })

  r.get('/:userId/prefs', async (req: Request, res: Response) => {
    sendJson(res, 200, (await users.get(userIdOf(req))).prefs)
  })
  // The Users service answers with the prefs (the Account service with the whole account).
  r.patch('/:userId/prefs', async (req: Request, res: Response) => {
    sendJson(res, 200, (await users.updatePrefs(userIdOf(req), params(req).prefs)).prefs)
  })

  // There are no teams here: every user belongs to none. Checked so a wrong id is still a 404.
  r.get('/:userId/memberships', async (req: Request, res: Response) => {
    await users.get(userIdOf(req))
    sendJson(res, 200, { total: 0, memberships: [] })
  })
}

export function userIdOf(req: Request): string {
  return String(req.params.userId)
}
