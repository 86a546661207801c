import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { invalidParam } from '../../errors.js'
import { formatDate, toAccountModel, toSessionModel } from '../../models.js'
import type { TokenRecord } from '../../store/store.js'
import { authOf, needAccount, needRecentChallenge } from '../guards.js'
import { params } from '../params.js'
import { rateLimit } from '../rate-limit.js'
import { sendJson } from '../respond.js'

/** `/account/mfa/*`: the switch, the TOTP authenticator, challenges, recovery codes. */
export function mfaRoutes(r: Router, accounts: Accounts): void {
  const account = needAccount(accounts)
  // Appwrite's `mfa` group: reachable by a session that still owes a second factor.
  const partial = needAccount(accounts, { mfaExempt: true })
  const recent = needRecentChallenge(accounts)
  const { mfa } = accounts

  r.patch('/mfa', account, async (req: Request, res: Response) => {
    const { account: me, session } = authOf(res)
    sendJson(res, 200, toAccountModel(await mfa.setEnabled(me, session, params(req).mfa)))
  })

  const totpOnly = (req: Request) => {
    if (req.params.type !== 'totp') throw invalidParam('type', 'Value must be one of (totp)')
  }
  r.post('/mfa/authenticators/:type', account, async (req: Request, res: Response) => {
    totpOnly(req)
    // 200, not 201: Appwrite's status for this route.
    sendJson(res, 200, await mfa.createAuthenticator(authOf(res).account))
  })
  r.put('/mfa/authenticators/:type', account, async (req: Request, res: Response) => {
    totpOnly(req)
    const { account: me, session } = authOf(res)
    sendJson(res, 200, toAccountModel(await mfa.verifyAuthenticator(me, session, params(req).otp)))
  })
  r.delete('/mfa/authenticators/:type', account, recent, async (req: Request, res: Response) => {
    totpOnly(req)
    await mfa.deleteAuthenticator(authOf(res).account)
    res.status(204).end()
  })

  const challengeLimit = rateLimit(accounts, 'POST /account/mfa/challenges')
  const answerLimit = rateLimit(accounts, 'PUT /account/mfa/challenges')
  for (const path of ['/mfa/challenges', '/mfa/challenge']) {
    r.post(path, partial, challengeLimit, async (req: Request, res: Response) => {
      sendJson(res, 201, challengeModel(await mfa.createChallenge(authOf(res).account, params(req).factor)))
    })
    r.put(path, partial, answerLimit, async (req: Request, res: Response) => {
      const { account: me, session } = authOf(res)
      const p = params(req)
      const updated = await mfa.verifyChallenge(me, session, { challengeId: p.challengeId, otp: p.otp })
      sendJson(res, 200, toSessionModel(updated, { current: true }))
    })
  }

  r.get('/mfa/factors', partial, (_req: Request, res: Response) => {
    sendJson(res, 200, mfa.factors(authOf(res).account))
  })

  r.post('/mfa/recovery-codes', account, async (_req: Request, res: Response) => {
    sendJson(res, 201, { recoveryCodes: await mfa.createRecoveryCodes(authOf(res).account) })
  })
  r.get('/mfa/recovery-codes', account, recent, (_req: Request, res: Response) => {
    sendJson(res, 200, { recoveryCodes: mfa.getRecoveryCodes(authOf(res).account) })
  })
  r.patch('/mfa/recovery-codes', account, recent, async (_req: Request, res: Response) => {
    sendJson(res, 200, { recoveryCodes: await mfa.regenerateRecoveryCodes(authOf(res).account) })
  })
}

/** MFAChallenge: no code, ever. */
function challengeModel(t: TokenRecord) {
  return { $id: t.id, $createdAt: formatDate(t.createdAt), userId: t.accountId, expire: formatDate(t.expiresAt) }
}
