/**
 * The second example: express-accounts' strategies on their own, in a plain passport app.
 * Only passport + express-session (+ connect-redis) + two strategies (PasswordStrategy,
 * EmailOtpStrategy) + the core; no Appwrite router. A tiny server-rendered sign-up /
 * sign-in / sign-out flow, and `/me` behind `req.isAuthenticated()`.
 * `example/passport-server.ts` makes it listen; tests import `createPassportExampleApp()`.
 *
 * Environment (all optional): REDIS_URL (unset → in-memory stores, with a warning),
 * REDIS_PREFIX (default `passport-example:`), ACCOUNTS_SECRET, ACCOUNTS_PROJECT, NODE_ENV.
 * Emails (codes) are printed to the console by `ConsoleMailer`.
 */
import { createHmac } from 'node:crypto'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import session from 'express-session'
import { RedisStore as SessionRedisStore } from 'connect-redis'
import passport from 'passport'
import { createClient } from 'redis'
import { AccountsError, ConsoleMailer, MemoryStore, RedisStore, createAccounts, type ExpressAccounts, type Store } from '../lib/index.js'
import { EmailOtpStrategy, PasswordStrategy, type AccountsFailure, type StrategyAction } from '../strategies/index.js'
import { DEFAULT_PROJECT, secretSetting, setting, type ExampleEnv } from './config.js'
import { field, submit } from './forms.js'
import { html, type Html } from './html.js'
import { PAGE_CSP, PUBLIC_DIR, layout } from './layout.js'

export interface PassportExampleOptions {
  /** Where boot warnings go. Default `console.warn`. */
  warn?: (message: string) => void
  /** Where ConsoleMailer prints each email (codes included). Default `console.log`. */
  log?: (text: string) => void
}

export interface PassportExample {
  app: Express
  accounts: ExpressAccounts
  storeName: 'MemoryStore' | 'RedisStore'
  /** Closes the Redis connection, if any (after the server stopped taking requests). */
  close(): Promise<void>
}

/** What the home page says for each failure type. Only these texts are shown: nothing from the URL is reflected. */
const MESSAGES: Record<string, string> = {
  general_argument_invalid: 'Check the email address, and that the password has at least 8 characters.',
  user_invalid_credentials: 'Wrong email or password.',
  user_invalid_token: 'That code is wrong or has expired. Ask for a new one.',
  user_already_exists: 'An account with that email already exists. Sign in instead.',
  user_blocked: 'This account is blocked.',
}

/** Pages carry per-user markup (never cached) and run under the main example's CSP. */
function sendPage(res: Response, body: string): void {
  res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': PAGE_CSP })
  res.type('html').send(body)
}

export async function createPassportExampleApp(env: ExampleEnv, options: PassportExampleOptions = {}): Promise<PassportExample> {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const secret = secretSetting(env, warn)
  const redisUrl = setting(env.REDIS_URL)
  const prefix = setting(env.REDIS_PREFIX) ?? 'passport-example:'

  // One Redis connection for both stores: express-session's records and the accounts.
  let redis: ReturnType<typeof createClient> | null = null
  let store: Store
  let sessionStore: session.Store
  if (redisUrl !== undefined) {
    let connected = false
    // Unreachable at boot: fail with the cause. Lost later: keep reconnecting (back-off up to 3 s).
    const reconnectStrategy = (retries: number, cause: Error) => (connected ? Math.min(retries * 100, 3000) : cause)
    redis = createClient({ url: redisUrl, socket: { reconnectStrategy } })
    redis.on('error', (err: Error) => connected && warn(`passport example: Redis error: ${err.message}`))
    await redis.connect()
    connected = true
    store = new RedisStore({ client: redis, prefix: `${prefix}acc:` })
    sessionStore = new SessionRedisStore({ client: redis, prefix: `${prefix}sess:` })
  } else {
    warn('passport example: REDIS_URL is not set; accounts and express-sessions live in memory and are lost on restart (express-session\'s MemoryStore is not for production)')
    store = new MemoryStore()
    sessionStore = new session.MemoryStore()
  }

  const accounts = createAccounts({ store, secret, project: setting(env.ACCOUNTS_PROJECT) ?? DEFAULT_PROJECT, mailer: new ConsoleMailer({ log: options.log }) })
  const pp = new passport.Passport()
  pp.use(new PasswordStrategy({ accounts }))
  pp.use(new EmailOtpStrategy({ accounts }))
  // express-session keeps only a reference to the Session record each sign-in creates.
  accounts.usePassport(pp)

  const app = express()
  app.disable('x-powered-by')
  app.use(express.urlencoded({ extended: false }))
  app.use(
    session({
      store: sessionStore,
      // A key of its own, derived from the one secret, so the cookie signature and the core's HMACs never share a key.
      secret: createHmac('sha256', secret).update('express-session cookie').digest('base64url'),
      name: 'sid',
      resave: false,
      saveUninitialized: false,
      // SameSite=Lax keeps other sites' forms from posting with the cookie (a real app adds CSRF tokens too).
      cookie: { httpOnly: true, sameSite: 'lax', secure: env.NODE_ENV === 'production' },
    }),
  )
  app.use(pp.initialize())
  app.use(pp.session())

  /** Runs a strategy; a failure goes back to `/` with its Appwrite type, a success logs in (new express-session id). */
  const signIn = (strategy: string, action?: StrategyAction) => (req: Request, res: Response, next: NextFunction) => {
    pp.authenticate(strategy, { action }, (err: unknown, user: Express.User | false, info?: AccountsFailure) => {
      if (err) return next(err)
      if (!user) return res.redirect(303, `/?error=${encodeURIComponent(info?.type ?? 'user_unauthorized')}`)
      req.logIn(user, (loginErr) => (loginErr ? next(loginErr) : res.redirect(303, '/me')))
    })(req, res, next)
  }

  // The main example's stylesheet: both examples look the same.
  app.use('/assets', express.static(PUBLIC_DIR, { index: false }))
  app.get('/', (req: Request, res: Response) => {
    if (req.isAuthenticated()) return res.redirect('/me')
    const type = req.query.error
    const error = typeof type !== 'string' ? '' : Object.hasOwn(MESSAGES, type) ? MESSAGES[type] : 'That did not work. Please try again.'
    sendPage(res, homePage(req, error))
  })
  app.post('/sign-up', async (req: Request, res: Response, next: NextFunction) => {
    const { email, password, name } = req.body as Record<string, string | undefined>
    try {
      await accounts.createAccount({ email: email ?? '', password: password ?? '', name: name || undefined })
    } catch (err) {
      if (!(err instanceof AccountsError) || err.code >= 500) throw err
      return res.redirect(303, `/?error=${err.type}`)
    }
    signIn('password')(req, res, next)
  })
  app.post('/sign-in', signIn('password'))
  // Request phase: the strategy mails the code and passes on to the next handler.
  app.post('/code', signIn('email-otp', 'request'), (req: Request, res: Response) => {
    sendPage(res, codePage(req, String((req.body as { email?: string }).email)))
  })
  app.post('/code/verify', signIn('email-otp', 'verify'))
  app.get('/me', async (req: Request, res: Response) => {
    if (!req.isAuthenticated() || !req.account) return res.redirect('/')
    const sessions = await accounts.sessions.list(req.account.$id)
    sendPage(res, mePage(req, req.account.name || req.account.email, req.account.email, req.accountSession?.provider ?? '', sessions.length))
  })
  app.post('/sign-out', async (req: Request, res: Response) => {
    // Deletes the Session record, then clears it from express-session.
    await accounts.logOut(req)
    res.redirect(303, '/')
  })
  app.use(accounts.errorHandler())

  return {
    app,
    accounts,
    storeName: redis ? 'RedisStore' : 'MemoryStore',
    async close() {
      if (redis?.isOpen) await redis.close()
    },
  }
}

/** The main example's port (`npm start`), for the link back to it. */
const MAIN_EXAMPLE_PORT = 3000

/** The main example's frame and stylesheet (`example/layout.ts`, `example/public/app.css`); no scripts. */
function page(req: Request, title: string, body: Html, shape: 'card' | 'app' = 'card'): string {
  const main = `http://${req.hostname}:${MAIN_EXAMPLE_PORT}/`
  return layout({
    title,
    shape,
    site: 'Passport example',
    body,
    footer: html`<p>Server-rendered forms on <code>passport</code> + <code>express-session</code> with express-accounts' strategies (<code>example/passport-app.ts</code>).</p>
<p>The main example, with Appwrite's web SDK: <a href="${main}">${main}</a> <span class="muted">(<code>npm start</code>)</span></p>`,
  })
}

function homePage(req: Request, error: string): string {
  return page(
    req,
    'Sign in',
    html`${error ? html`<p class="alert" role="alert">${error}</p>` : ''}
<div class="card">
<h1>Sign in</h1>
<form method="post" action="/sign-in">
${field({ form: 'sign-in', name: 'email', label: 'Email', type: 'email', autocomplete: 'username' })}
${field({ form: 'sign-in', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
${submit('Sign in')}
</form>
<div class="divider">or get a code by email</div>
<form method="post" action="/code">
${field({ form: 'code', name: 'email', label: 'Email', type: 'email', autocomplete: 'email', hint: 'We email you a 6-digit code (this example prints it in the server console).' })}
${submit('Email me a code', 'btn btn-secondary btn-block')}
</form>
</div>
<div class="card">
<h2>Create an account</h2>
<form method="post" action="/sign-up">
${field({ form: 'sign-up', name: 'name', label: 'Name', autocomplete: 'name', required: false, hint: 'Optional.' })}
${field({ form: 'sign-up', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })}
${field({ form: 'sign-up', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', minlength: 8, hint: 'At least 8 characters.' })}
${submit('Create account')}
</form>
</div>`,
  )
}

function codePage(req: Request, email: string): string {
  return page(
    req,
    'Enter your code',
    html`<div class="card">
<h1>Enter your code</h1>
<p>If ${email} can sign in, a 6-digit code is on its way (this example prints it in the server console).</p>
<form method="post" action="/code/verify">
<input type="hidden" name="email" value="${email}">
${field({ form: 'verify', name: 'code', label: '6-digit code', code: true, autocomplete: 'one-time-code', maxlength: 6 })}
${submit('Sign in')}
</form>
</div>
<p class="switch-link"><a href="/">Back to sign in</a></p>`,
  )
}

function mePage(req: Request, name: string, email: string, provider: string, sessions: number): string {
  return page(
    req,
    `Hello, ${name}`,
    html`<div class="card">
<h1>Hello, ${name}</h1>
<dl class="facts">
<dt>Email</dt><dd>${email}</dd>
<dt>Signed in with</dt><dd>${provider}</dd>
<dt>Sessions</dt><dd>This account has ${sessions} active session(s).</dd>
</dl>
<form method="post" action="/sign-out">${submit('Sign out', 'btn btn-secondary')}</form>
</div>`,
  )
}
