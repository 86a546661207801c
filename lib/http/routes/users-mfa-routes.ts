import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { invalidParam } from '../../errors.js'
import { sendJson } from '../respond.js'
import { userIdOf } from './users-routes.js'

/** `/users/{userId}/mfa/*`: factors, authenticator removal, recovery codes (no challenge needed: the key is the proof). */
export function usersMfaRoutes(r: Router, accounts: Accounts): void {
  const { users, mfa } = accounts

  r.get('/:userId/mfa/factors', async (req: Request, res: Response) => {
    sendJson(res, 200, mfa.factors(await users.get(userIdOf(req))))
  })

  r.delete('/:userId/mfa/authenticators/:type', async (req: Request, res: Response) => {
    if (req.params.type !== 'totp') throw invalidParam('type', 'Value must be one of (totp)')
    await mfa.deleteAuthenticator(await users.get(userIdOf(req)))
    res.status(204).end()
  })

  r.get('/:userId/mfa/recovery-codes', async (req: Request, res: Response) => {
    sendJson(res, 200, { recoveryCodes: mfa.getRecoveryCodes(await users.get(userIdOf(req))) })
  })
  // The Users service's verbs are not the Account service's: PATCH creates, PUT regenerates.
  r.patch('/:userId/mfa/recovery-codes', async (req: Request, res: Response) => {
    sendJson(res, 201, { recoveryCodes: await mfa.createRecoveryCodes(await users.get(userIdOf(req))) })
  })
  r.put('/:userId/mfa/recovery-codes', async (req: Request, res: Response) => {
    sendJson(res, 200, { recoveryCodes: await mfa.regenerateRecoveryCodes(await users.get(userIdOf(req))) })
  })
}
