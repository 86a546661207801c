import type { Request, Response, Router } from 'express'
import type { Accounts } from '../../accounts.js'
import { toSessionModel, toTokenModel } from '../../models.js'
import { params } from '../params.js'
import { clientContext, sendJson } from '../respond.js'
import { userIdOf } from './users-routes.js'

/** `/users/{userId}/sessions`, `/tokens`, `/jwts`. */
export function usersSessionRoutes(r: Router, accounts: Accounts): void {
  const { users } = accounts

  r.get('/:userId/sessions', async (req: Request, res: Response) => {
    const sessions = await users.listSessions(userIdOf(req))
    sendJson(res, 200, { total: sessions.length, sessions: sessions.map((s) => toSessionModel(s)) })
  })

  // The caller is a server: the session value is handed back (key callers see secrets), no cookie is set.
  r.post('/:userId/sessions', async (req: Request, res: Response) => {
    const s = await users.createSession(userIdOf(req), clientContext(req, res))
    sendJson(res, 201, toSessionModel(s.session, { secret: s.value }))
  })

  r.delete('/:userId/sessions', async (req: Request, res: Response) => {
    await users.deleteSessions(userIdOf(req))
    res.status(204).end()
  })

  r.delete('/:userId/sessions/:sessionId', async (req: Request, res: Response) => {
    await users.deleteSession(userIdOf(req), String(req.params.sessionId))
    res.status(204).end()
  })

  r.post('/:userId/tokens', async (req: Request, res: Response) => {
    const p = params(req)
    const { token, secret } = await users.createToken(userIdOf(req), p.length, p.expire)
    sendJson(res, 201, toTokenModel(token, { secret }))
  })

  r.post('/:userId/jwts', async (req: Request, res: Response) => {
    const p = params(req)
    sendJson(res, 201, { jwt: await users.createJwt(userIdOf(req), p.sessionId, p.duration) })
  })
}
