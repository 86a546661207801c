/**
 * Shared plumbing for the passwordless / recovery / verification suites: a real server per
 * scenario (../sdk/helpers.ts startServer) wired to a real SMTP capture server and a local SMS
 * webhook receiver, plus a raw JSON caller for the parts the SDKs hide.
 *
 * Messages leave the server after the HTTP answer, so tests wait on the capture servers
 * (`smtp.next(to)`, `sms.next(phone)`), never on the response.
 */
import assert from 'node:assert/strict'
import { randomBytes, randomInt } from 'node:crypto'
import { SmtpMailer, WebhookSmsSender } from '../../lib/index.js'
import type { AccountsOptions } from '../../lib/index.js'
import { API_KEY, DATETIME, MEMORY, startServer, type StoreCase, type TestServer, redisCase as sharedRedisCase } from '../sdk/helpers.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { extractCode, extractLink, startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp-capture.js'

export { API_KEY, MEMORY, PROJECT, PASSWORD, DATETIME, fmt, plain, nodeClients, expectError, failure, assertSessionShape, uniqueEmail } from '../sdk/helpers.js'
export { extractCode, extractLink }

export const APP_ORIGIN = 'https://app.example.com'
export const FROM = '"Test" <no-reply@example.com>'
export const MIN = 60 * 1000
export const HOUR = 60 * MIN

export interface Harness extends TestServer {
  smtp: SmtpCapture
  sms: SmsReceiver
  /** Raw JSON call against the router (`/v1` already in `endpoint`). */
  call(method: string, path: string, o?: CallOptions): Promise<Reply>
}

export interface CallOptions {
  body?: unknown
  key?: boolean
  session?: string
}

export interface Reply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

export interface HarnessOptions extends Partial<AccountsOptions> {
  /** Leave out the SMTP mailer (503 tests). */
  noMailer?: boolean
  /** Leave out the SMS sender (503 tests). */
  noSms?: boolean
}

/** Server + SMTP capture + SMS receiver. Rate limits off unless `rateLimits: true`. */
export async function startHarness(sc: StoreCase = MEMORY, options: HarnessOptions = {}): Promise<Harness> {
  const { noMailer, noSms, ...rest } = options
  const smtp = await startSmtpCapture()
  const sms = await startSmsReceiver()
  const inFlight = { count: 0 }
  const srv = await startServer(sc, {
    mailer: noMailer ? undefined : counted(new SmtpMailer({ url: smtp.url, from: FROM }), inFlight),
    sms: noSms ? undefined : counted(new WebhookSmsSender({ url: sms.url }), inFlight),
    allowedRedirectOrigins: [APP_ORIGIN],
    rateLimits: false,
    ...rest,
  })
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { 'x-appwrite-project': 'test', 'content-type': 'application/json' }
    if (o.key) headers['x-appwrite-key'] = API_KEY
    if (o.session) headers['x-appwrite-session'] = o.session
    const res = await fetch(srv.endpoint + path, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(o.body ?? {}) })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers }
  }
  return {
    ...srv,
    smtp,
    sms,
    call,
    async close() {
      // Messages leave after the answer: let in-flight ones land before the receivers stop.
      await new Promise((r) => setImmediate(r))
      for (let i = 0; i < 100 && inFlight.count > 0; i++) await new Promise((r) => setTimeout(r, 20))
      await srv.close()
      await smtp.close()
      await sms.close()
    },
  }
}

/** The real adapter, counting sends still under way (so `close()` can wait for them). */
function counted<M>(inner: { send(m: M): Promise<void> }, inFlight: { count: number }): { send(m: M): Promise<void> } {
  return {
    async send(m: M) {
      inFlight.count += 1
      try {
        await inner.send(m)
      } finally {
        inFlight.count -= 1
      }
    },
  }
}

/** A RedisStore case whose key prefix the test knows (to scan or inspect its keys). */
export const redisCase = (): ReturnType<typeof sharedRedisCase> => sharedRedisCase('pwless')

/** A user id that no other test uses. */
export function freshId(tag = 'u'): string {
  return `${tag}${randomBytes(8).toString('hex')}`
}

let phoneCounter = 0
const phoneBase = randomInt(10_000)
/** A valid E.164 US number (+1 415 555 xxxx), distinct within the process for 10 000 calls. */
export function freshPhone(): string {
  phoneCounter += 1
  return `+1415555${String((phoneBase + phoneCounter * 7919) % 10_000).padStart(4, '0')}`
}

/** An Appwrite error reply. */
export function assertError(r: Reply, status: number, type: string): void {
  assert.deepEqual({ status: r.status, type: r.body.type }, { status, type }, `got ${r.status} ${JSON.stringify(r.body)}`)
}

/** The Token model keys and formats (wire §2.5). */
export function assertTokenShape(t: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(t), ['$id', '$createdAt', 'userId', 'secret', 'expire', 'phrase'])
  assert.match(t.$createdAt as string, DATETIME)
  assert.match(t.expire as string, DATETIME)
  for (const k of ['$id', 'userId', 'secret', 'phrase']) assert.equal(typeof t[k], 'string', k)
}

/** The code of the next email to `to`. */
export async function mailedCode(h: Harness, to: string): Promise<string> {
  return extractCode((await h.smtp.next(to)).text)
}

/** The link of the next email to `to`. */
export async function mailedLink(h: Harness, to: string): Promise<URL> {
  return extractLink((await h.smtp.next(to)).text)
}

/** The code of the next SMS to `phone`. */
export async function textedCode(h: Harness, phone: string): Promise<string> {
  return extractCode((await h.sms.next(phone)).body)
}

/** Resolves to the mails to `to` received within `ms` (none expected → `[]`). */
export async function mailsWithin(h: Harness, to: string, ms: number): Promise<CapturedMail[]> {
  await new Promise((r) => setTimeout(r, ms))
  return h.smtp.messages.filter((m) => m.recipients.some((x) => x.toLowerCase() === to.toLowerCase()))
}

/** A password account signed in through the key: `{id, email, session}`. */
export async function passwordUser(h: Harness, email: string, password = 'correct horse battery'): Promise<{ id: string; email: string; session: string }> {
  const created = await h.call('POST', '/account', { body: { userId: 'unique()', email, password, name: 'Pat' } })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const s = await h.call('POST', '/account/sessions/email', { key: true, body: { email, password } })
  assert.equal(s.status, 201, JSON.stringify(s.body))
  return { id: created.body.$id as string, email: email.toLowerCase(), session: s.body.secret as string }
}

/** The account as the session sees it. */
export async function me(h: Harness, session: string): Promise<Record<string, unknown>> {
  const r = await h.call('GET', '/account', { session })
  assert.equal(r.status, 200, JSON.stringify(r.body))
  return r.body
}
