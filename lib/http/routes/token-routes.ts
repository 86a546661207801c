import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { needNoSession } from '../guards.js'
import { params } from '../params.js'
import { rateLimit } from '../rate-limit.js'
import { clientContext, sendSignIn, sendToken } from '../respond.js'

/** Passwordless sign-in: `/account/tokens/*` issue, `/account/sessions/{token,magic-url,phone}` redeem. */
export function tokenRoutes(r: Router, accounts: Accounts): void {
  const { passwordless } = accounts

  const emailCode = async (req: Request, res: Response) => {
    const p = params(req)
    sendToken(res, 201, await passwordless.sendEmailCode({ userId: p.userId, email: p.email, phrase: p.phrase }))
  }
  r.post('/tokens/email', rateLimit(accounts, 'POST /account/tokens/email'), emailCode)

  const magicLimit = rateLimit(accounts, 'POST /account/tokens/magic-url')
  const magicUrl = async (req: Request, res: Response) => {
    const p = params(req)
    sendToken(res, 201, await passwordless.sendMagicUrl({ userId: p.userId, email: p.email, url: p.url, phrase: p.phrase }), true)
  }
  r.post('/tokens/magic-url', magicLimit, magicUrl)
  r.post('/sessions/magic-url', magicLimit, magicUrl)

  const phoneLimit = rateLimit(accounts, 'POST /account/tokens/phone')
  const phoneCode = async (req: Request, res: Response) => {
    const p = params(req)
    sendToken(res, 201, await passwordless.sendPhoneCode({ userId: p.userId, phone: p.phone }))
  }
  r.post('/tokens/phone', phoneLimit, phoneCode)
  r.post('/sessions/phone', phoneLimit, phoneCode)

  /** Token → session: sets the carriers; only key callers see the session value. */
  const redeem = async (req: Request, res: Response) => {
    const p = params(req)
    sendSignIn(req, res, accounts, await passwordless.signInWithToken({ userId: p.userId, secret: p.secret }, clientContext(req, res)))
  }
  r.post('/sessions/token', rateLimit(accounts, 'POST /account/sessions/token'), needNoSession, redeem)
  r.put('/sessions/magic-url', rateLimit(accounts, 'PUT /account/sessions/magic-url'), needNoSession, redeem)
  r.put('/sessions/phone', rateLimit(accounts, 'PUT /account/sessions/phone'), needNoSession, redeem)
}
