import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toTokenModel } from '../../models.js'
import type { ConfirmedBy } from '../../verification.js'
import { callerOf } from '../caller.js'
import { authOf, needAccount } from '../guards.js'
import { params } from '../params.js'
import type { LimitedRoute } from '../../limits/limit-rules.js'
import { rateLimit } from '../rate-limit.js'
import { sendJson, sendToken } from '../respond.js'

/** `/account/recovery` and `/account/verifications/{email,phone}` (+ Appwrite's older aliases). */
export function recoveryRoutes(r: Router, accounts: Accounts): void {
  const account = needAccount(accounts)
  const limit = (route: LimitedRoute) => rateLimit(accounts, route)

  r.post('/recovery', limit('POST /account/recovery'), async (req: Request, res: Response) => {
    const p = params(req)
    sendToken(res, 201, await accounts.recovery.request({ email: p.email, url: p.url }), true)
  })

  r.put('/recovery', limit('PUT /account/recovery'), async (req: Request, res: Response) => {
    const p = params(req)
    // A signed-in caller recovering its own account keeps its session; every other one ends.
    const auth = callerOf(res).auth
    const keep = auth && auth.account.id === p.userId ? auth.session.id : undefined
    const token = await accounts.recovery.complete({ userId: p.userId, secret: p.secret, password: p.password }, keep)
    sendJson(res, 200, toTokenModel(token))
  })

  const sendEmail = async (req: Request, res: Response) => {
    sendToken(res, 201, await accounts.verification.sendEmail(authOf(res).account, { url: params(req).url }))
  }
  const confirmer = (res: Response): ConfirmedBy => {
    const caller = callerOf(res)
    return caller.isKey ? { trusted: true } : { accountId: caller.auth?.account.id ?? null }
  }
  const confirmEmail = async (req: Request, res: Response) => {
    const p = params(req)
    sendJson(res, 200, toTokenModel(await accounts.verification.confirmEmail({ userId: p.userId, secret: p.secret }, confirmer(res))))
  }
  const sendPhone = async (_req: Request, res: Response) => {
    sendToken(res, 201, await accounts.verification.sendPhone(authOf(res).account))
  }
  const confirmPhone = async (req: Request, res: Response) => {
    const p = params(req)
    sendJson(res, 200, toTokenModel(await accounts.verification.confirmPhone({ userId: p.userId, secret: p.secret }, confirmer(res))))
  }
  // Canonical paths first, then Appwrite's older aliases (`/verification` alone means email).
  for (const [path, phone] of [['/verifications/email', false], ['/verification', false], ['/verifications/phone', true], ['/verification/phone', true]] as const) {
    if (phone) {
      r.post(path, account, limit('POST /account/verifications/phone'), sendPhone)
      r.put(path, limit('PUT /account/verifications/phone'), confirmPhone)
    } else {
      r.post(path, account, limit('POST /account/verifications/email'), sendEmail)
      r.put(path, limit('PUT /account/verifications/email'), confirmEmail)
    }
  }
}
