/**
 * The example app: the Appwrite-compatible Account API at `/v1`, a `requireSession()`-guarded
 * `GET /api/me`, and a complete account site at `/` whose pages use Appwrite's web SDK
 * against that API (sign-in by every method, sign-up, recovery, verification, account,
 * sessions, two-step sign-in; see `example/site.ts`). `example/server.ts` makes it listen
 * (`npm start`); tests import `createExampleApp()`.
 *
 * Your own app imports from `'express-accounts'`; the example imports the source so that
 * `npm start` always runs the code in this folder, built or not.
 */
import express, { type Express, type Request, type Response } from 'express'
import { createAccounts, MemoryStore, RedisStore, type ExpressAccounts, type Store } from '../lib/index.js'
import {
  ExampleConfigError,
  apiKeySetting,
  inEnvTerms,
  publicOriginSetting,
  redirectOriginsSetting,
  secretSetting,
  setting,
  trustProxySetting,
  DEFAULT_PROJECT,
  type ExampleEnv,
} from './config.js'
import { deliveryFromEnv } from './delivery.js'
import { oauth2CallbackUrl, oauth2Setting } from './oauth2.js'
import { siteRouter } from './site.js'

export { ExampleConfigError, DEFAULT_PROJECT, oauth2CallbackUrl, type ExampleEnv }

/** Path of the page magic links land on. */
const MAGIC_PATH = '/magic'

export interface ExampleOptions {
  /** Where boot warnings go. Default `console.warn`. */
  warn?: (message: string) => void
  /** Where console delivery prints each email and SMS (codes and links included). Default `console.log`. */
  log?: (text: string) => void
}

export interface Example {
  app: Express
  accounts: ExpressAccounts
  /** Which store the environment chose, for the boot banner. */
  storeName: 'MemoryStore' | 'RedisStore'
  /** Which delivery adapters the environment chose: console unless `SMTP_URL` / `SMS_WEBHOOK_URL`. */
  delivery: { email: 'console' | 'smtp'; sms: 'console' | 'webhook' }
  /** `<public origin>/magic`, the default target of magic links; null when the origin is unknown (`PORT=0`, no `PUBLIC_URL`). */
  magicUrl: string | null
  /** `PUBLIC_URL`, else `http://localhost:<PORT>`; null when unknown (`PORT=0`, no `PUBLIC_URL`). */
  publicOrigin: string | null
  /** The OAuth2 providers `OAUTH2_PROVIDERS` configures, in its order. */
  oauth2Providers: string[]
  /**
   * Checks the store before the server listens: with `REDIS_URL`, `RedisStore.ready()` (rejects
   * naming the URL, password redacted, and the reason). MemoryStore is always ready.
   */
  ready(): Promise<void>
  /** Closes the store and the delivery adapters (after the server stopped taking requests). */
  close(): Promise<void>
}

/** Builds the example app from an environment (`process.env` or a test's own object). */
export function createExampleApp(env: ExampleEnv, options: ExampleOptions = {}): Example {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const log = options.log ?? ((text: string) => console.log(text))
  // Every variable is checked before anything opens a connection.
  const project = setting(env.ACCOUNTS_PROJECT) ?? DEFAULT_PROJECT
  const apiKey = apiKeySetting(env)
  const publicOrigin = publicOriginSetting(env)
  // The app's own origin is a safe redirect target (loopback ones pass anyway).
  const redirectOrigins = redirectOriginsSetting(env)
  if (publicOrigin !== null && !redirectOrigins.includes(publicOrigin)) redirectOrigins.push(publicOrigin)
  const magicUrl = publicOrigin === null ? null : `${publicOrigin}${MAGIC_PATH}`
  const oauth2 = oauth2Setting(env, publicOrigin, warn)
  const delivery = deliveryFromEnv(env, project, log)
  const secret = secretSetting(env, warn)
  const trustProxy = trustProxySetting(env)
  const redisUrl = setting(env.REDIS_URL)
  const redis = redisUrl === undefined ? null : redisStore(redisUrl)
  const store: Store = redis ?? new MemoryStore()

  let accounts: ExpressAccounts
  try {
    accounts = createAccounts({
      store,
      project,
      secret,
      apiKeys: apiKey === undefined ? [] : [apiKey],
      mailer: delivery.mailer,
      sms: delivery.sms,
      allowedRedirectOrigins: redirectOrigins,
      magicUrl: magicUrl ?? undefined,
      oauth2: oauth2.options,
    })
  } catch (err) {
    // Don't leave a Redis connection behind a configuration error.
    void store.close().catch(() => undefined)
    if (err instanceof TypeError) throw new ExampleConfigError(inEnvTerms(err.message))
    throw err
  }

  const app = express()
  app.disable('x-powered-by')
  // Behind a reverse proxy, req.ip must be the client's, not the proxy's: per-IP limits count
  // it, and with the proxy's address every client would share one allowance (TRUST_PROXY).
  app.set('trust proxy', trustProxy)
  // The SDK endpoint is <origin>/v1: every Account route lives under it.
  app.use('/v1', accounts.router())
  app.get('/api/me', accounts.requireSession(), (req: Request, res: Response) => {
    res.json(req.account)
  })
  app.use(
    siteRouter({
      accounts,
      project,
      delivery: { consoleEmail: delivery.email === 'console', consoleSms: delivery.smsName === 'console' },
      hasKey: apiKey !== undefined,
      oauth2Providers: oauth2.providers,
      publicOrigin,
    }),
  )
  // Last: whatever the app's own routes throw (bad JSON, a store outage: 503 + Retry-After, a
  // bug: 500) is answered Appwrite-shaped, never with Express' HTML page and its stack trace.
  app.use(accounts.errorHandler())

  return {
    app,
    accounts,
    storeName: redisUrl === undefined ? 'MemoryStore' : 'RedisStore',
    delivery: { email: delivery.email, sms: delivery.smsName },
    magicUrl,
    publicOrigin,
    oauth2Providers: oauth2.providers,
    async ready() {
      await redis?.ready()
    },
    async close() {
      await Promise.all([delivery.mailer.close?.(), delivery.sms.close?.()])
      await store.close()
    },
  }
}

/** `RedisStore({ url })`; a URL it refuses stops the boot as a configuration error naming REDIS_URL. */
function redisStore(url: string): RedisStore {
  try {
    return new RedisStore({ url })
  } catch (err) {
    if (err instanceof TypeError) throw new ExampleConfigError(`REDIS_URL: ${err.message.replace(/ — options\.url is .*$/, '')}`)
    throw err
  }
}

/** The app as `npm start` serves it, configured from `process.env`. */
export const example = createExampleApp(process.env)
export const { app, accounts, storeName } = example
export default app
