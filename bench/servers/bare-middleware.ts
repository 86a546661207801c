/**
 * The floor of any session middleware in Express 5: a hand-written check that reads a session
 * header, finds it in an in-process Map and sets `req.user` to a copy of the user before the
 * same handler as every other variant. No hashing, no expiry, block or MFA check, no store
 * contract: nothing `requireSession()` could do with less. It is the in-process counterpart of
 * the hand-written bearer check, the figure the MemoryStore and client-side cache variants are
 * read against as context (not one of issue 11's targets, which are stated against bare Express).
 */
import { randomBytes } from 'node:crypto'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { BenchServer } from './bench-server.js'
import { BENCH_USER, type BenchUser } from './bench-user.js'

/** The user this middleware hands on, apart from whatever `req.user` the app's typings declare. */
const withUser = (req: Request) => req as unknown as { user?: BenchUser }

export async function bareMiddleware(): Promise<BenchServer> {
  const token = `${BENCH_USER.$id}.${randomBytes(32).toString('hex')}`
  const sessions = new Map<string, BenchUser>([[token, BENCH_USER]])
  const app = express()
  app.get('/me', (req: Request, res: Response, next: NextFunction) => {
    const found = sessions.get(req.headers['x-appwrite-session'] as string)
    if (found === undefined) {
      res.status(401).json({ message: 'Unauthorized' })
      return
    }
    // A copy, as requireSession() hands each request its own account model.
    withUser(req).user = { ...found, labels: [...found.labels], prefs: { ...found.prefs }, targets: found.targets.map((t) => ({ ...t })) }
    next()
  }, (req: Request, res: Response) => {
    res.json(withUser(req).user)
  })
  return {
    app,
    prepare: async () => ({ userId: BENCH_USER.$id }),
    request: async () => ({ method: 'GET', path: '/me', headers: { 'x-appwrite-session': token }, expectStatus: 200 }),
    close: async () => undefined,
  }
}
