/**
 * The example app: the Appwrite-compatible Account API at `/v1`, a `requireSession()`-guarded
 * `GET /api/me`, and a page at `/` that says how to point an Appwrite SDK at it.
 * `example/server.ts` makes it listen (`npm start`); tests import `createExampleApp()`.
 *
 * Your own app imports from `'express-accounts'`; the example imports the source so that
 * `npm start` always runs the code in this folder, built or not.
 */
import { randomBytes } from 'node:crypto'
import express, { type Express, type Request, type Response } from 'express'
import { createAccounts, MemoryStore, RedisStore, type ExpressAccounts, type Store } from '../lib/index.js'

/** What the example reads from the environment. Every variable is optional; empty = unset. */
export interface ExampleEnv {
  /** `redis://…` → `RedisStore({ url })`. Unset → `MemoryStore` (lost on restart). */
  REDIS_URL?: string
  /** Appwrite project id, what SDKs pass to `setProject()`. Default `demo`. */
  ACCOUNTS_PROJECT?: string
  /** A server key (≥ 16 characters) for `X-Appwrite-Key` / node-appwrite's `setKey()`. Default: none. */
  ACCOUNTS_API_KEY?: string
  /** ≥ 32 bytes; signs JWTs. Unset → a random one per boot, with a warning (required in production). */
  ACCOUNTS_SECRET?: string
  NODE_ENV?: string
  [name: string]: string | undefined
}

export interface ExampleOptions {
  /** Where boot warnings go. Default `console.warn`. */
  warn?: (message: string) => void
}

export interface Example {
  app: Express
  accounts: ExpressAccounts
  /** Which store the environment chose, for the boot banner. */
  storeName: 'MemoryStore' | 'RedisStore'
}

/** A setting in the environment is wrong; the message names the variable and what it needs. */
export class ExampleConfigError extends Error {
  override readonly name = 'ExampleConfigError'
}

export const DEFAULT_PROJECT = 'demo'
const MIN_API_KEY_CHARS = 16
const MIN_SECRET_BYTES = 32

/** Builds the example app from an environment (`process.env` or a test's own object). */
export function createExampleApp(env: ExampleEnv, options: ExampleOptions = {}): Example {
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const project = setting(env.ACCOUNTS_PROJECT) ?? DEFAULT_PROJECT
  const apiKey = setting(env.ACCOUNTS_API_KEY)
  if (apiKey !== undefined && apiKey.length < MIN_API_KEY_CHARS) {
    throw new ExampleConfigError(
      `ACCOUNTS_API_KEY must be at least ${MIN_API_KEY_CHARS} characters (it has ${apiKey.length}); ` +
        'make one with `openssl rand -hex 24`, or unset it to run without a server key',
    )
  }
  const secret = resolveSecret(env, warn)
  const redisUrl = setting(env.REDIS_URL)
  const store: Store = redisUrl === undefined ? new MemoryStore() : new RedisStore({ url: redisUrl })

  let accounts: ExpressAccounts
  try {
    accounts = createAccounts({ store, project, secret, apiKeys: apiKey === undefined ? [] : [apiKey] })
  } catch (err) {
    // Don't leave a Redis connection behind a configuration error.
    void store.close().catch(() => undefined)
    if (err instanceof TypeError) throw new ExampleConfigError(inEnvTerms(err.message))
    throw err
  }

  const app = express()
  app.disable('x-powered-by')
  // The SDK endpoint is <origin>/v1: every Account route lives under it.
  app.use('/v1', accounts.router())
  app.get('/api/me', accounts.requireSession(), (req: Request, res: Response) => {
    res.json(req.account)
  })
  app.get('/', (req: Request, res: Response) => {
    res.type('html').send(homePage(`${req.protocol}://${req.get('host') ?? 'localhost'}/v1`, project, apiKey !== undefined))
  })
  return { app, accounts, storeName: redisUrl === undefined ? 'MemoryStore' : 'RedisStore' }
}

function setting(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function resolveSecret(env: ExampleEnv, warn: (message: string) => void): string {
  const secret = setting(env.ACCOUNTS_SECRET)
  if (secret !== undefined) {
    const bytes = Buffer.byteLength(secret)
    if (bytes < MIN_SECRET_BYTES) {
      throw new ExampleConfigError(
        `ACCOUNTS_SECRET must be at least ${MIN_SECRET_BYTES} bytes (it has ${bytes}); make one with \`openssl rand -base64 48\``,
      )
    }
    return secret
  }
  if (env.NODE_ENV === 'production') {
    throw new ExampleConfigError('ACCOUNTS_SECRET is required when NODE_ENV=production (at least 32 bytes, e.g. `openssl rand -base64 48`)')
  }
  warn(
    'example: ACCOUNTS_SECRET is not set; using a random secret for this boot. JWTs issued now stop ' +
      'verifying after a restart. Set ACCOUNTS_SECRET (e.g. `openssl rand -base64 48`) to keep them.',
  )
  return randomBytes(MIN_SECRET_BYTES).toString('base64url')
}

/** Rewrites the library's `options.x` wording into the environment variable that feeds it. */
function inEnvTerms(message: string): string {
  return message
    .replace('options.project', 'ACCOUNTS_PROJECT')
    .replace('options.apiKeys', 'ACCOUNTS_API_KEY')
    .replace('options.secret', 'ACCOUNTS_SECRET')
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function homePage(endpointRaw: string, projectRaw: string, hasKey: boolean): string {
  const endpoint = escapeHtml(endpointRaw)
  const project = escapeHtml(projectRaw)
  const keyNote = hasKey
    ? 'A server key is configured (<code>ACCOUNTS_API_KEY</code>), so this works:'
    : 'Set <code>ACCOUNTS_API_KEY</code> (16+ characters) and restart to enable this:'
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>express-accounts example</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.75rem;overflow:auto}</style>
</head>
<body>
<h1>express-accounts example</h1>
<p>This server speaks Appwrite's Account API. Point an Appwrite SDK at it with
endpoint <code>${endpoint}</code> and project id <code>${project}</code>.</p>

<h2>Web SDK (<code>appwrite</code>), from a page on this origin</h2>
<pre>import { Client, Account, ID } from 'appwrite'

const client = new Client().setEndpoint('${endpoint}').setProject('${project}')
const account = new Account(client)
await account.create({ userId: ID.unique(), email: 'me@example.com', password: 'a long password' })
await account.createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
console.log(await account.get())</pre>
<p>Pages on another origin are refused (<code>403 general_unknown_origin</code>) unless that origin is
in <code>allowedOrigins</code>.</p>

<h2>Server SDK (<code>node-appwrite</code>)</h2>
<p>${keyNote}</p>
<pre>import { Client, Account } from 'node-appwrite'

const server = new Client().setEndpoint('${endpoint}').setProject('${project}').setKey(process.env.ACCOUNTS_API_KEY)
const session = await new Account(server).createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
const user = new Client().setEndpoint('${endpoint}').setProject('${project}').setSession(session.secret)
console.log(await new Account(user).get())</pre>

<h2>Your own routes</h2>
<p><a href="/api/me">/api/me</a> is an app route behind <code>accounts.requireSession()</code>: it answers
the signed-in account, or <code>401</code> without a session cookie.</p>
</body>
</html>
`
}

/** The app as `npm start` serves it, configured from `process.env`. */
export const { app, accounts, storeName } = createExampleApp(process.env)
export default app
