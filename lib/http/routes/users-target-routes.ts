import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { pageOf, parseListQueries } from '../../core/list-queries.js'
import { toTargetModel } from '../../models.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'
import { userIdOf } from './users-routes.js'

/**
 * `/users/:userId/targets`: Appwrite's Users service target methods (node-appwrite
 * `listTargets`, `createTarget`, `getTarget`, `updateTarget`, `deleteTarget`) over
 * `accounts.targets`, which keeps the account's own email and sms targets in step with its
 * email and phone (those cannot be changed or deleted alone here either).
 */
export function usersTargetRoutes(r: Router, accounts: Accounts): void {
  const { targets } = accounts

  r.get('/:userId/targets', async (req: Request, res: Response) => {
    const p = params(req)
    // Parsed before the read: a bad query is a 400 whether or not the user exists.
    const q = parseListQueries(p.queries)
    const userId = userIdOf(req)
    const all = await targets.list(userId)
    const total = p.total === 'false' || p.total === false ? 0 : all.length
    sendJson(res, 200, { total, targets: pageOf(all, q).map((t) => toTargetModel(userId, t)) })
  })

  r.post('/:userId/targets', async (req: Request, res: Response) => {
    const p = params(req)
    const userId = userIdOf(req)
    const created = await targets.create(userId, {
      // Required by Appwrite; `unique()` asks for a generated id (Targets.create).
      targetId: (p.targetId ?? null) as string,
      providerType: p.providerType as 'email' | 'sms' | 'push',
      identifier: p.identifier as string,
      providerId: p.providerId as string | null | undefined,
      name: p.name as string | undefined,
    })
    sendJson(res, 201, toTargetModel(userId, created))
  })

  r.get('/:userId/targets/:targetId', async (req: Request, res: Response) => {
    const userId = userIdOf(req)
    sendJson(res, 200, toTargetModel(userId, await targets.get(userId, String(req.params.targetId))))
  })

  r.patch('/:userId/targets/:targetId', async (req: Request, res: Response) => {
    const p = params(req)
    const userId = userIdOf(req)
    const updated = await targets.update(userId, String(req.params.targetId), {
      identifier: p.identifier as string | undefined,
      providerId: p.providerId as string | null | undefined,
      name: p.name as string | undefined,
    })
    sendJson(res, 200, toTargetModel(userId, updated))
  })

  r.delete('/:userId/targets/:targetId', async (req: Request, res: Response) => {
    await targets.delete(userIdOf(req), String(req.params.targetId))
    res.status(204).end()
  })
}
