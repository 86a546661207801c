/**
 * A real server for the abuse-limit suites: the router behind `trust proxy`, so each request
 * names its client address in `X-Forwarded-For` (what a reverse proxy does) and `req.ip`
 * differs per simulated client. Real SMTP capture for the flows that mail a link or code.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Express } from 'express'
import { createAccounts, SmtpMailer, WebhookSmsSender, type AccountsOptions, type ExpressAccounts } from '../../lib/index.js'
import { API_KEY, PROJECT, type StoreCase } from '../sdk/helpers.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { extractCode, extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

export { API_KEY, MEMORY, REDIS, PROJECT, uniqueEmail, type StoreCase } from '../sdk/helpers.js'

export const APP_ORIGIN = 'https://app.example.com'
export const PASSWORD = 'correct horse battery'

export interface Reply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

export interface CallOptions {
  body?: unknown
  /** The client address the proxy reports (`X-Forwarded-For`). Default `198.51.100.1`. */
  ip?: string
  session?: string
  key?: boolean
}

export interface LimitsServer {
  app: Express
  accounts: ExpressAccounts
  endpoint: string
  smtp: SmtpCapture
  sms: SmsReceiver
  call(method: string, path: string, o?: CallOptions): Promise<Reply>
  /** A password account (created with the API key, so no per-IP budget is spent). */
  user(email: string, password?: string): Promise<{ id: string; email: string }>
  mailedLink(to: string): Promise<URL>
  mailedCode(to: string): Promise<string>
  textedCode(phone: string): Promise<string>
  close(): Promise<void>
}

/** Rate limits on (the point of these suites) unless the test says otherwise. */
export async function startLimitsServer(sc: StoreCase, options: Partial<AccountsOptions> = {}): Promise<LimitsServer> {
  const smtp = await startSmtpCapture()
  const sms = await startSmsReceiver()
  const { store, cleanup } = sc.create()
  const accounts = createAccounts({
    store,
    project: PROJECT,
    secret: 'x'.repeat(32),
    apiKeys: [API_KEY],
    bcryptCost: 4,
    rateLimits: true,
    mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }),
    sms: new WebhookSmsSender({ url: sms.url }),
    allowedRedirectOrigins: [APP_ORIGIN],
    ...options,
  })
  const app = express()
  // Behind a proxy: req.ip is the left-most X-Forwarded-For address.
  app.set('trust proxy', true)
  app.use('/v1', accounts.router())
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = {
      'x-appwrite-project': PROJECT,
      'content-type': 'application/json',
      'x-forwarded-for': o.ip ?? '198.51.100.1',
    }
    if (o.key) headers['x-appwrite-key'] = API_KEY
    if (o.session) headers['x-appwrite-session'] = o.session
    const res = await fetch(endpoint + path, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(o.body ?? {}) })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers }
  }
  return {
    app,
    accounts,
    endpoint,
    smtp,
    sms,
    call,
    async user(email, password = PASSWORD) {
      const r = await call('POST', '/account', { key: true, body: { userId: 'unique()', email, password } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      return { id: r.body.$id as string, email: email.toLowerCase() }
    },
    mailedLink: async (to) => extractLink((await smtp.next(to)).text),
    mailedCode: async (to) => extractCode((await smtp.next(to)).text),
    textedCode: async (phone) => extractCode((await sms.next(phone)).body),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      // Messages leave after the answer: give the last ones a moment before the receivers stop.
      await new Promise((r) => setTimeout(r, 50))
      await smtp.close()
      await sms.close()
      await store.close()
      await cleanup()
    },
  }
}

/** An Appwrite error reply. */
export function assertError(r: Reply, status: number, type: string): void {
  assert.deepEqual({ status: r.status, type: r.body.type }, { status, type }, `got ${r.status} ${JSON.stringify(r.body)}`)
}

/** Runs a suite once per store; the Redis run skips without Redis (fails with REQUIRE_REDIS=1). */
export function forEachStore(stores: StoreCase[], fn: (sc: StoreCase) => void): void {
  for (const sc of stores) {
    describe(sc.name, function () {
      before(function () {
        sc.available(this)
      })
      fn(sc)
    })
  }
}
