import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toSessionModel } from '../../models.js'
import { encodeSessionValue } from '../../session-value.js'
import type { SignIn } from '../../core/sessions.js'
import * as v from '../../validate.js'
import { callerOf } from '../caller.js'
import { AccountsError } from '../../errors.js'
import { authOf, currentSessionId, needAccount, needNoSession } from '../guards.js'
import { params } from '../params.js'
import { rateLimit } from '../rate-limit.js'
import { clearSessionCookies, setSessionCookies } from '../session-cookies.js'
import { clientContext, cookieSettings, sendJson, sendSignIn } from '../respond.js'

/** `/account/sessions/*`: sign-in, list, read, extend, revoke. */
export function sessionRoutes(r: Router, accounts: Accounts): void {
  const account = needAccount(accounts)
  const settings = cookieSettings(accounts)

  const signedIn = (req: Request, res: Response, s: SignIn) => sendSignIn(req, res, accounts, s)

  const emailLimit = rateLimit(accounts, 'POST /account/sessions/email')
  const emailSignIn = async (req: Request, res: Response): Promise<void> => {
    const p = params(req)
    signedIn(req, res, await accounts.signInWithPassword({ email: p.email, password: p.password }, clientContext(req, res)))
  }
  r.post('/sessions/email', emailLimit, needNoSession, emailSignIn)
  r.post('/sessions', emailLimit, needNoSession, emailSignIn)

  r.post(
    '/sessions/anonymous',
    rateLimit(accounts, 'POST /account/sessions/anonymous'),
    needNoSession,
    async (req: Request, res: Response) => {
      signedIn(req, res, await accounts.signInAnonymously(clientContext(req, res)))
    },
  )

  r.get('/sessions', account, async (_req: Request, res: Response) => {
    const me = authOf(res).account
    const currentId = currentSessionId(res)
    const sessions = await accounts.sessions.list(me.id)
    sendJson(res, 200, {
      total: sessions.length,
      sessions: sessions.map((s) => toSessionModel(s, { current: s.id === currentId })),
    })
  })

  const deleteLimit = (route: 'DELETE /account/sessions' | 'DELETE /account/sessions/:sessionId') => rateLimit(accounts, route)

  r.delete('/sessions', account, deleteLimit('DELETE /account/sessions'), async (req: Request, res: Response) => {
    await accounts.sessions.deleteAll(authOf(res).account.id)
    if (currentSessionId(res)) clearSessionCookies(req, res, settings)
    res.status(204).end()
  })

  /** `current` names the caller's own session; a JWT caller has none (Appwrite answers 404). */
  const sessionIdParam = (req: Request, res: Response): string => {
    const id = v.text('sessionId', req.params.sessionId, 36)
    if (id !== 'current') return id
    const currentId = currentSessionId(res)
    if (!currentId) throw new AccountsError('user_session_not_found')
    return currentId
  }

  r.get('/sessions/:sessionId', account, async (req: Request, res: Response) => {
    const me = authOf(res).account
    const session = await accounts.sessions.get(me.id, sessionIdParam(req, res))
    sendJson(res, 200, toSessionModel(session, { current: session.id === currentSessionId(res) }))
  })

  r.patch(
    '/sessions/:sessionId',
    account,
    rateLimit(accounts, 'PATCH /account/sessions/:sessionId'),
    async (req: Request, res: Response) => {
      const me = authOf(res).account
      const id = sessionIdParam(req, res)
      // An OAuth2 session with a refresh token first gets a fresh provider access token; if
      // the provider refuses, the session is left exactly as it was.
      await accounts.oauth2.refreshSession(await accounts.sessions.get(me.id, id))
      const session = await accounts.sessions.extend(me.id, id)
      const isCurrent = session.id === currentSessionId(res)
      // The browser would drop the cookie at its old expiry: renew it with the session.
      const value = callerOf(res).value
      if (isCurrent && value) setSessionCookies(req, res, settings, encodeSessionValue(value), session.expiresAt)
      sendJson(res, 200, toSessionModel(session, { current: isCurrent }))
    },
  )

  r.delete(
    '/sessions/:sessionId',
    // Signing out must stay possible while a second factor is still owed.
    needAccount(accounts, { mfaExempt: true }),
    deleteLimit('DELETE /account/sessions/:sessionId'),
    async (req: Request, res: Response) => {
      const me = authOf(res).account
      const id = sessionIdParam(req, res)
      await accounts.sessions.delete(me.id, id)
      if (id === currentSessionId(res)) clearSessionCookies(req, res, settings)
      res.status(204).end()
    },
  )
}
