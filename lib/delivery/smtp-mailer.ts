/**
 * SMTP delivery on nodemailer.
 *
 * No connection pool by default: sign-in codes and links are low-volume, one connection per
 * message keeps nothing idle (servers drop idle connections, and an open socket would keep
 * the process or a test server alive). For volume, opt in with `transport: { pool: true, … }`
 * or `?pool=true` in the URL; `close()` closes whichever transport was built.
 */
import nodemailer from 'nodemailer'
import type { SMTPPoolOptions, SMTPTransportOptions, Transporter } from 'nodemailer'
import type { MailMessage, Mailer } from './delivery.js'
import { optionError } from '../option-errors.js'

/** Options of `SmtpMailer`: exactly one of `url` / `transport`, and `from`. */
export interface SmtpMailerOptions {
  /**
   * Connection URL, `smtp://host:port` or `smtps://host:port` (implicit TLS, default port 465);
   * credentials go in it: `smtps://user:pass@smtp.example.com`. Query parameters are passed to
   * nodemailer (e.g. `?pool=true`). Exactly one of `url` / `transport`.
   */
  url?: string | undefined
  /**
   * A nodemailer SMTP transport options object (`host`, `port`, `secure`, `auth`, `pool`, …).
   * Its own timeout fields win over `timeoutMs`. Exactly one of `url` / `transport`.
   */
  transport?: SMTPTransportOptions | (SMTPPoolOptions & { pool: true }) | undefined
  /** Sender, e.g. `'"Demo" <no-reply@example.com>'`. Required. */
  from: string
  /**
   * Connection, greeting and socket inactivity timeouts, in milliseconds. Default 10 000.
   */
  timeoutMs?: number | undefined
}

/** A `Mailer` that sends through an SMTP server. */
export class SmtpMailer implements Mailer {
  readonly #transporter: Transporter
  readonly #from: string
  /** The URL password, if any, so it can be scrubbed from error messages. */
  readonly #password: string | undefined

  constructor(options: SmtpMailerOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('SmtpMailer: options must be an object')
    const { url, transport, from, timeoutMs = 10_000 } = options
    if ((url === undefined) === (transport === undefined)) {
      throw optionError(options, 'SmtpMailer: pass exactly one of options.url or options.transport')
    }
    if (typeof from !== 'string' || from.trim() === '') {
      throw optionError(options, 'SmtpMailer: options.from is required (e.g. \'"Demo" <no-reply@example.com>\')')
    }
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw optionError(options, 'SmtpMailer: options.timeoutMs must be a positive number of milliseconds')
    }
    const timeouts = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }

    if (url !== undefined) {
      let parsed: URL
      try {
        parsed = new URL(url)
      } catch {
        // The URL may hold a password: never echo it.
        throw optionError(options, 'SmtpMailer: options.url is not a valid URL')
      }
      if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
        throw optionError(options, `SmtpMailer: options.url must start with smtp:// or smtps:// (got ${parsed.protocol}//)`)
      }
      this.#password = parsed.password ? decodeURIComponent(parsed.password) : undefined
      // nodemailer parses `url` itself (including query options like pool=true); URL values
      // win over the fields next to it, which is fine: those are only our timeout defaults.
      this.#transporter = nodemailer.createTransport({ ...timeouts, url })
    } else {
      if (transport === null || typeof transport !== 'object') {
        throw optionError(options, 'SmtpMailer: options.transport must be a nodemailer SMTP options object')
      }
      this.#password = undefined
      const config: SMTPTransportOptions | SMTPPoolOptions = { ...timeouts, ...transport }
      this.#transporter = nodemailer.createTransport(config)
    }
    this.#from = from
  }

  /** Sends the message through SMTP (nodemailer); rejects on a refusal or after `timeoutMs`. */
  async send(message: MailMessage): Promise<void> {
    try {
      await this.#transporter.sendMail({
        from: this.#from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // Templates never reference files or URLs to inline; refuse them outright.
        disableFileAccess: true,
        disableUrlAccess: true,
      })
    } catch (err) {
      throw this.#sanitize(err, message)
    }
  }

  async close(): Promise<void> {
    this.#transporter.close()
  }

  /**
   * A new Error carrying only what nodemailer reports about the SMTP exchange (code, reply
   * code, server reply): no `cause`, so neither the message body (code, link) nor
   * credentials can reach logs through it.
   */
  #sanitize(err: unknown, message: MailMessage): Error {
    const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; command?: unknown }
    let detail = typeof e.message === 'string' ? e.message : String(err)
    // nodemailer describes the SMTP exchange, not the content; should a server reply echo
    // content anyway, the code (digit runs) and links of the body are blanked out.
    const secrets = [
      ...(this.#password && this.#password.length >= 4 ? [this.#password] : []),
      ...(message.text.match(/\d{6,}|https?:\/\/\S+/g) ?? []),
    ]
    for (const secret of secrets) detail = detail.split(secret).join('[redacted]')
    if (detail.length > 300) detail = `${detail.slice(0, 300)}…`
    const out = new Error(`SMTP delivery of ${message.kind} email failed: ${detail}`) as Error & {
      code?: string
      responseCode?: number
      command?: string
    }
    if (typeof e.code === 'string') out.code = e.code
    if (typeof e.responseCode === 'number') out.responseCode = e.responseCode
    if (typeof e.command === 'string') out.command = e.command
    return out
  }
}
