/**
 * Variant 2, the stack most Express apps use: express-session + connect-redis +
 * passport.session(), set up as connect-redis' and passport's READMEs show. Per request:
 * connect-redis GETs the session, passport's deserializeUser GETs the user, and
 * express-session touches the unchanged session (EXPIRE, because `resave: false`): 3 commands.
 */
import { RedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { createClient } from 'redis'
import type { BenchServer, ServerConfig } from './bench-server.js'
import { BENCH_USER, type BenchUser } from './bench-user.js'

export async function classicStack(config: ServerConfig): Promise<BenchServer> {
  const redisClient = createClient({ url: config.redisUrl })
  await redisClient.connect()
  await redisClient.set(`user:${BENCH_USER.$id}`, JSON.stringify(BENCH_USER))

  passport.serializeUser((user, done) => done(null, (user as BenchUser).$id))
  passport.deserializeUser((id: string, done) => {
    redisClient.get(`user:${id}`).then((raw) => done(null, raw ? (JSON.parse(raw) as BenchUser) : false), done)
  })

  const app = express()
  app.use(session({
    store: new RedisStore({ client: redisClient, prefix: 'myapp:' }),
    resave: false, // required: force lightweight session keep alive (touch)
    saveUninitialized: false, // recommended: only save session when data exists
    secret: 'keyboard cat',
  }))
  app.use(passport.initialize())
  app.use(passport.session())
  // Logs the bench user in (credentials are not what this variant measures; sign-in has its own table).
  app.post('/login', async (req, res, next) => {
    const raw = await redisClient.get(`user:${BENCH_USER.$id}`)
    req.login(JSON.parse(raw!) as BenchUser, (err) => (err ? next(err) : res.status(204).end()))
  })
  app.get('/me', (req, res) => {
    if (!req.user) {
      res.status(401).json({ message: 'Unauthorized' })
      return
    }
    res.json(req.user)
  })

  let cookie = ''
  return {
    app,
    async prepare(origin) {
      const res = await fetch(`${origin}/login`, { method: 'POST' })
      const sid = res.headers.getSetCookie().find((c) => c.startsWith('connect.sid='))
      if (res.status !== 204 || !sid) throw new Error(`classic stack: login answered ${res.status} without a session cookie`)
      cookie = sid.split(';')[0]
      return { userId: BENCH_USER.$id }
    },
    request: async () => ({ method: 'GET', path: '/me', headers: { cookie }, expectStatus: 200 }),
    close: async () => {
      await redisClient.close()
    },
  }
}
