import express, { type NextFunction, type Request, type Response } from 'express'
import session from 'express-session'
import { RedisStore as SessionRedisStore } from 'connect-redis'
import passport from 'passport'
import type { Strategy } from 'passport'
import { createAccounts, type ExpressAccounts } from '../../lib/express-accounts.js'
import type { AccountsOptions } from '../../lib/options.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { API_KEY, PROJECT, SECRET } from './app.js'
import { connectedClient, deleteByPrefix, describeRedis, uniquePrefix, type TestRedisClient } from './redis.js'

/**
 * Where a passport app keeps its state: the harness' Redis (connect-redis + RedisStore under a
 * prefix), or memory (express-session's MemoryStore + MemoryStore). Every app a suite builds on
 * one backend shares its stores, as apps on one Redis prefix do.
 */
export type PassportBackend = { kind: 'redis'; client: TestRedisClient } | { kind: 'memory'; accounts: MemoryStore; sessions: session.Store }

/** The backend a `describeBackends` suite runs on, filled in by its `before` hook. */
export interface BackendCase {
  backend: PassportBackend
  prefix: string
}

/**
 * Runs a strategy suite twice: on memory (always, so a machine without Redis still exercises
 * the strategies) and on Redis (skipped without Redis, failing with REQUIRE_REDIS=1).
 */
export function describeBackends(title: string, fn: (it: BackendCase) => void): void {
  describe(`${title} (express-session MemoryStore + MemoryStore)`, () => {
    const c = {} as BackendCase
    before(() => {
      c.backend = { kind: 'memory', accounts: new MemoryStore(), sessions: new session.MemoryStore() }
      c.prefix = uniquePrefix('memory')
    })
    fn(c)
  })
  describeRedis(`${title} (connect-redis + RedisStore)`, () => {
    const c = {} as BackendCase
    let client: TestRedisClient | undefined
    before(async () => {
      client = await connectedClient()
      c.backend = { kind: 'redis', client }
      c.prefix = uniquePrefix('passport')
    })
    after(async () => {
      if (!client) return
      await deleteByPrefix(client, c.prefix)
      await client.close()
    })
    fn(c)
  })
}

/**
 * A plain passport app: express-session on connect-redis and express-accounts' RedisStore,
 * both on the harness' Redis (or both in memory), no express-accounts router. `/v1` is mounted only when
 * `withRouter` is set (to check the same Session records through the Appwrite API).
 */
export function makePassportApp(backend: TestRedisClient | PassportBackend, prefix: string, strategies: (accounts: ExpressAccounts) => Strategy[], options: AccountsOptions & { withRouter?: boolean } = {}) {
  const { withRouter, ...accountOptions } = options
  // A bare client (the suites written before describeBackends) is the Redis backend.
  const on: PassportBackend = 'sendCommand' in backend ? { kind: 'redis', client: backend } : backend
  const store = on.kind === 'memory' ? on.accounts : new RedisStore({ client: on.client, prefix })
  const sessionStore = on.kind === 'memory' ? on.sessions : new SessionRedisStore({ client: on.client, prefix: `${prefix}sess:` })
  const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, ...accountOptions })
  const pp = new passport.Passport()
  for (const s of strategies(accounts)) pp.use(s)
  accounts.usePassport(pp)
  const app = express()
  app.use(express.json())
  app.use(express.urlencoded({ extended: false }))
  app.use(session({ store: sessionStore, secret: SECRET, resave: false, saveUninitialized: false, name: 'sid' }))
  app.use(pp.initialize())
  app.use(pp.session())
  if (withRouter) app.use('/v1', accounts.router())

  /** `POST /login/:strategy` → 200 {user} after req.login, or the failure's status and info. */
  app.post('/login/:strategy', (req: Request, res: Response, next: NextFunction) => {
    pp.authenticate(req.params.strategy as string, (err: unknown, user: unknown, info: unknown, status: unknown) => {
      if (err) return next(err)
      if (!user) return res.status(typeof status === 'number' ? status : 401).json({ info: info ?? null })
      req.logIn(user as Express.User, (loginErr) => (loginErr ? next(loginErr) : res.json({ user })))
    })(req, res, next)
  })
  /** Request phases (send a code or link) end in `pass()`: the route answers itself. */
  app.post('/send/:strategy', (req: Request, res: Response, next: NextFunction) => {
    pp.authenticate(req.params.strategy as string, { session: false }, (err: unknown, _user: unknown, info: unknown, status: unknown) => {
      if (err) return next(err)
      res.status(typeof status === 'number' ? status : 401).json({ info: info ?? null })
    })(req, res, () => res.status(202).json({ sent: true }))
  })
  /** Starts an anonymous express-session (to check that login replaces its id). */
  app.post('/touch', (req: Request, res: Response) => {
    ;(req.session as unknown as Record<string, unknown>).visited = true
    res.status(204).end()
  })
  app.get('/me', (req: Request, res: Response) => {
    if (!req.user) return res.status(401).json({ type: 'general_unauthorized_scope' })
    res.json({ user: req.user, session: req.accountSession ?? null })
  })
  app.post('/logout', async (req: Request, res: Response) => {
    await accounts.logOut(req)
    res.status(204).end()
  })
  app.use(accounts.errorHandler())
  return { app, accounts, passport: pp }
}
