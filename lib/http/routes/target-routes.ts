import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { parseUserAgent } from '../../client-info.js'
import { toTargetModel } from '../../models.js'
import * as v from '../../validate.js'
import { single } from '../carriers.js'
import { authOf, needAccount } from '../guards.js'
import { params } from '../params.js'
import { sendJson } from '../respond.js'

/**
 * `/account/targets/*`: the caller's push targets (device tokens for push messages). Email and
 * sms targets follow the account's email and phone and are not changed here; as in Appwrite,
 * a target is named after the device that registered or last updated it.
 */
export function targetRoutes(r: Router, accounts: Accounts): void {
  const account = needAccount(accounts)

  r.post('/targets/push', account, async (req: Request, res: Response) => {
    const p = params(req)
    const me = authOf(res).account
    const target = await accounts.targets.create(me.id, {
      // Required on the wire (the SDKs send `ID.unique()`), as in Appwrite.
      targetId: v.requireString('targetId', p.targetId),
      providerType: 'push',
      identifier: p.identifier as string,
      providerId: optionalString('providerId', p.providerId),
      name: deviceName(req),
    })
    sendJson(res, 201, toTargetModel(me.id, target))
  })

  r.put('/targets/:targetId/push', account, async (req: Request, res: Response) => {
    const p = params(req)
    const me = authOf(res).account
    const target = await accounts.targets.update(me.id, String(req.params.targetId), { identifier: v.requireString('identifier', p.identifier), name: deviceName(req) }, 'push')
    sendJson(res, 200, toTargetModel(me.id, target))
  })

  r.delete('/targets/:targetId/push', account, async (req: Request, res: Response) => {
    await accounts.targets.delete(authOf(res).account.id, String(req.params.targetId), 'push')
    res.status(204).end()
  })
}

function optionalString(param: string, value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : v.requireString(param, value)
}

/** Appwrite's `"{deviceBrand} {deviceModel}"`, trimmed (`''` when the User-Agent names no device). */
function deviceName(req: Request): string {
  const c = parseUserAgent(single(req.headers['user-agent']))
  return `${c.deviceBrand} ${c.deviceModel}`.trim().slice(0, 128)
}
