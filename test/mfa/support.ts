/**
 * Shared plumbing for the MFA suites (issue 6): a real Express server on a free loopback port
 * with the router at `/v1`, `requireSession()` routes at `/api/me` (MFA-gated) and
 * `/api/me-skip` (`skipMfa: true`), a hand-moved clock (TOTP codes are computed from it), and
 * optionally the real SMTP capture server and the SMS webhook receiver as delivery adapters.
 *
 * TOTP codes for the tests are made with `otpauth` in its standard configuration (SHA-1,
 * 6 digits, 30 s) from the base32 secret the server hands out — as an authenticator app does.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Request, type Response } from 'express'
import { AuthenticatorType, ID, type Account, type AuthenticationFactor, type Models } from 'node-appwrite'
import { Secret, TOTP } from 'otpauth'
import { createAccounts, SmtpMailer, WebhookSmsSender, type ExpressAccounts } from '../../lib/index.js'
import type { AccountsOptions } from '../../lib/index.js'
import { API_KEY, MEMORY, PASSWORD, PROJECT, nodeClients, uniqueEmail, type StoreCase, redisCase as sharedRedisCase } from '../sdk/helpers.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'
import { TestClock } from '../support/test-clock.js'

export { API_KEY, MEMORY, PASSWORD, PROJECT, REDIS, expectError, failure, fmt, plain, assertSessionShape, uniqueEmail } from '../sdk/helpers.js'

const STEP_MS = 30_000
export const MIN = 60

/**
 * The test clock started 5 s into a 30-second TOTP step, so a test that stays within a step
 * (replays) never crosses a boundary by accident.
 */
export function totpClock(): TestClock {
  const now = Date.now()
  return new TestClock(now - (now % STEP_MS) + 5_000)
}

/** The code an authenticator app shows for `base32` at `ms` + `steps` × 30 s. */
export function totpCode(base32: string, ms: number, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: ms + steps * STEP_MS })
}

/** A 6-digit code that is not valid for `base32` anywhere in the ±`window` steps around `ms` and not in `avoid`. */
export function wrongCode(base32: string | null, ms: number, avoid: string[] = [], window = 2): string {
  const valid = new Set(avoid)
  if (base32) for (let s = -window; s <= window; s++) valid.add(totpCode(base32, ms, s))
  for (let n = 123_456; ; n = (n + 111_111) % 1_000_000) {
    const code = String(n).padStart(6, '0')
    if (!valid.has(code)) return code
  }
}

/** A RedisStore case whose key prefix the test knows (to scan or inspect its keys). */
export const redisCase = (): ReturnType<typeof sharedRedisCase> => sharedRedisCase('mfa')

export interface MfaServer {
  endpoint: string
  origin: string
  accounts: ExpressAccounts
  clock: TestClock
  smtp: SmtpCapture | null
  sms: SmsReceiver | null
  clients: ReturnType<typeof nodeClients>
  /** Raw JSON call against `/v1` (for aliases and bodies the SDK cannot send). */
  call(method: string, path: string, o?: { session?: string; key?: boolean; body?: unknown }): Promise<{ status: number; body: Record<string, unknown> }>
  close(): Promise<void>
}

export interface MfaServerOptions {
  store?: StoreCase
  /** Mail through the real SMTP capture server. */
  smtp?: boolean
  /** SMS through the webhook receiver. */
  sms?: boolean
  options?: Partial<AccountsOptions>
}

export async function startMfaServer(o: MfaServerOptions = {}): Promise<MfaServer> {
  const sc = o.store ?? MEMORY
  const clock = totpClock()
  const smtp = o.smtp ? await startSmtpCapture() : null
  const sms = o.sms ? await startSmsReceiver() : null
  const { store, cleanup } = sc.create()
  const accounts = createAccounts({
    store,
    project: PROJECT,
    projectName: 'MFA Test Project',
    secret: 'mfa-test-secret-that-is-at-least-32-bytes',
    apiKeys: [API_KEY],
    bcryptCost: 4,
    rateLimits: false,
    clock,
    mailer: smtp ? new SmtpMailer({ url: smtp.url, from: '"Test" <no-reply@example.com>' }) : undefined,
    sms: sms ? new WebhookSmsSender({ url: sms.url }) : undefined,
    ...o.options,
  })
  const app = express()
  app.use('/v1', accounts.router())
  const me = (req: Request, res: Response) => {
    res.json({ account: req.account, session: req.accountSession })
  }
  app.get('/api/me', accounts.requireSession(), me)
  app.get('/api/me-skip', accounts.requireSession({ skipMfa: true }), me)
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const endpoint = `${origin}/v1`
  return {
    endpoint,
    origin,
    accounts,
    clock,
    smtp,
    sms,
    clients: nodeClients(endpoint),
    async call(method, path, c = {}) {
      const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, 'content-type': 'application/json' }
      if (c.key) headers['x-appwrite-key'] = API_KEY
      if (c.session) headers['x-appwrite-session'] = c.session
      const res = await fetch(endpoint + path, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(c.body ?? {}) })
      const text = await res.text()
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
    },
    async close() {
      // Mail and SMS leave after the answer: give in-flight ones a moment to land.
      await new Promise((r) => setTimeout(r, 50))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await cleanup()
      await smtp?.close()
      await sms?.close()
    },
  }
}

export interface SignedIn {
  value: string
  session: Models.Session
  account: Account
}

/** A new session for `email`, made by the key client and handed to a session client. */
export async function signInAgain(srv: MfaServer, email: string, password = PASSWORD): Promise<SignedIn> {
  const session = await srv.clients.key.createEmailPasswordSession({ email, password })
  assert.ok(session.secret, 'the key caller sees the session value')
  return { value: session.secret, session, account: srv.clients.withSession(session.secret) }
}

export interface User extends SignedIn {
  id: string
  email: string
}

/** A fresh email + password account, signed in. */
export async function newUser(srv: MfaServer, tag = 'mfa'): Promise<User> {
  const email = uniqueEmail(tag).toLowerCase()
  const created = await srv.clients.guest.create({ userId: ID.unique(), email, password: PASSWORD })
  return { id: created.$id, email, ...(await signInAgain(srv, email)) }
}

/**
 * Adds and activates a TOTP authenticator on `user`'s current session; returns its base32
 * secret. The clock then moves to the next step, so the activation code is not the one the
 * next challenge needs (a code is accepted once).
 */
export async function enrolTotp(srv: MfaServer, user: SignedIn): Promise<string> {
  const { secret } = await user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
  await user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now()) })
  srv.clock.advance(STEP_MS)
  return secret
}

/**
 * Creates a challenge for `factor` and answers it with `otp`. `factor` is the wire value:
 * node-appwrite's `AuthenticationFactor.Recoverycode` is `'recoverycode'`, not Appwrite's
 * `'recoveryCode'`, so recovery-code challenges pass the string.
 */
export async function challenge(user: SignedIn, factor: string, otp: string | ((challengeId: string) => Promise<string> | string)): Promise<Models.Session> {
  const c = await user.account.createMFAChallenge({ factor: factor as AuthenticationFactor })
  const answer = typeof otp === 'string' ? otp : await otp(c.$id)
  return user.account.updateMFAChallenge({ challengeId: c.$id, otp: answer })
}
