/**
 * A real SMTP server on a free loopback port that keeps every message it receives, parsed,
 * so end-to-end tests can read the code or link a flow sent:
 *
 *   const smtp = await startSmtpCapture()
 *   const mailer = new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' })
 *   … trigger the flow …
 *   const code = extractCode((await smtp.next('a@example.com')).text)
 *
 * No TLS (STARTTLS disabled), any AUTH accepted, authentication optional.
 */
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface CapturedMail {
  /** First envelope recipient (RCPT TO), as sent. */
  to: string
  /** All envelope recipients. */
  recipients: string[]
  /** The From header as text, e.g. `"Demo" <no-reply@example.com>`. */
  from: string
  subject: string
  text: string
  /** `''` when the message had no HTML part. */
  html: string
  /** SMTP AUTH username, when the client logged in. */
  user?: string
  /** The whole message as received (headers + MIME body). */
  raw: string
}

export interface SmtpCaptureOptions {
  /** Recipients for which RCPT TO is answered `550` (to test delivery failures). */
  rejectRcpt?: (address: string) => boolean
}

export interface SmtpCapture {
  port: number
  /** `smtp://127.0.0.1:<port>`, ready for `SmtpMailer({ url })`. */
  url: string
  /** Every message received so far, in arrival order (taken or not). */
  messages: CapturedMail[]
  /**
   * The first message not yet taken (by `waitFor` or `next`) that matches, received already
   * or arriving within `timeoutMs` (default 5000); marks it taken so it's handed out once.
   */
  waitFor(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>
  /** The next not-yet-taken message to `to` (envelope recipient, case-insensitive). */
  next(to: string, timeoutMs?: number): Promise<CapturedMail>
  /** Stops the server; pending `waitFor`/`next` calls reject. */
  close(): Promise<void>
}

interface Waiter {
  predicate: (m: CapturedMail) => boolean
  resolve: (m: CapturedMail) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = []
  const taken = new Set<CapturedMail>()
  let waiters: Waiter[] = []

  const offer = (m: CapturedMail): void => {
    const w = waiters.find((x) => x.predicate(m))
    if (!w) return
    taken.add(m)
    clearTimeout(w.timer)
    waiters = waiters.filter((x) => x !== w)
    w.resolve(m)
  }

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    // No reverse DNS on loopback: it only costs time per connection.
    disableReverseLookup: true,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? 'anonymous' })
    },
    onRcptTo(address, _session, cb) {
      if (options.rejectRcpt?.(address.address)) {
        return cb(Object.assign(new Error('Recipient rejected by test server'), { responseCode: 550 }))
      }
      cb()
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        // Answer 250 only once the message is stored, so a resolved send() means it's here.
        simpleParser(raw).then(
          (parsed) => {
            const recipients = session.envelope.rcptTo.map((r) => r.address)
            const m: CapturedMail = {
              to: recipients[0] ?? '',
              recipients,
              from: parsed.from?.text ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html || '',
              user: typeof session.user === 'string' ? session.user : undefined,
              raw: raw.toString('utf8'),
            }
            messages.push(m)
            offer(m)
            cb()
          },
          (err: Error) => cb(err),
        )
      })
    },
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  // Errors after start (a client dropping mid-session) must not crash the test run.
  server.on('error', () => undefined)
  const port = (server.server.address() as AddressInfo).port

  const waitFor = (predicate: (m: CapturedMail) => boolean, timeoutMs = 5000): Promise<CapturedMail> => {
    const ready = messages.find((m) => !taken.has(m) && predicate(m))
    if (ready) {
      taken.add(ready)
      return Promise.resolve(ready)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters = waiters.filter((x) => x !== w)
        const seen = messages.map((m) => `${m.to} "${m.subject}"${taken.has(m) ? ' (taken)' : ''}`).join(', ')
        reject(new Error(`smtp-capture: no matching message within ${timeoutMs} ms; received: ${seen || 'none'}`))
      }, timeoutMs)
      const w: Waiter = { predicate, resolve, reject, timer }
      waiters.push(w)
    })
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor,
    next: (to, timeoutMs) =>
      waitFor((m) => m.recipients.some((r) => r.toLowerCase() === to.toLowerCase()), timeoutMs),
    close() {
      for (const w of waiters) {
        clearTimeout(w.timer)
        w.reject(new Error('smtp-capture: closed'))
      }
      waiters = []
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The first 6-digit number standing on its own in `text` (an OTP code). */
export function extractCode(text: string): string {
  const match = /(?<!\d)\d{6}(?!\d)/.exec(text)
  if (!match) throw new Error(`extractCode: no 6-digit code in: ${text.slice(0, 200)}`)
  return match[0]
}

/**
 * The first http(s) URL in `text`. Works on HTML too (`&amp;` is decoded); sentence
 * punctuation right after the URL is not part of it.
 */
export function extractLink(text: string): URL {
  const match = /https?:\/\/[^\s<>"')]+/.exec(text)
  if (!match) throw new Error(`extractLink: no http(s) link in: ${text.slice(0, 200)}`)
  return new URL(match[0].replace(/&amp;/g, '&').replace(/[.,;:!?]+$/, ''))
}
