/**
 * SMS through an HTTP webhook: POSTs `{"to": "+15551234567", "body": "Your Demo code is …"}`
 * as JSON to a URL you control — an SMS gateway's HTTP API, or a small relay in front of one
 * (Twilio, Vonage, AWS SNS …). The message kind travels in the `X-Message-Kind` header rather
 * than the body, so gateways with a strict body schema accept the documented shape as is.
 */
import type { SmsMessage, SmsSender } from './delivery.js'
import { optionError } from '../option-errors.js'

/** Options of `WebhookSmsSender`. */
export interface WebhookSmsSenderOptions {
  /** Endpoint to POST to; `http:` or `https:`. Required. */
  url: string
  /**
   * Extra request headers, e.g. `{ Authorization: 'Bearer …' }` for the gateway. Default none.
   * `Content-Type: application/json` is always sent unless overridden here.
   */
  headers?: Record<string, string> | undefined
  /** Whole-request timeout (connect, send, response headers), in milliseconds. Default 10 000. */
  timeoutMs?: number | undefined
}

/** An `SmsSender` that POSTs each message as JSON to a webhook. Any 2xx answer counts as accepted. */
export class WebhookSmsSender implements SmsSender {
  readonly #url: string
  readonly #headers: Record<string, string>
  readonly #timeoutMs: number

  constructor(options: WebhookSmsSenderOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('WebhookSmsSender: options must be an object')
    const { url, headers = {}, timeoutMs = 10_000 } = options
    let parsed: URL | undefined
    try {
      parsed = typeof url === 'string' ? new URL(url) : undefined
    } catch {
      parsed = undefined
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw optionError(options, 'WebhookSmsSender: options.url must be an http:// or https:// URL')
    }
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers) ||
        !Object.values(headers).every((v) => typeof v === 'string')) {
      throw optionError(options, 'WebhookSmsSender: options.headers must be an object of string values')
    }
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw optionError(options, 'WebhookSmsSender: options.timeoutMs must be a positive number of milliseconds')
    }
    this.#url = parsed.href
    this.#headers = { 'content-type': 'application/json', ...headers }
    this.#timeoutMs = timeoutMs
  }

  /**
   * Errors name the HTTP status or the failure, never the URL (it may carry an API key), the
   * body (it carries the code) or the gateway's answer.
   */
  async send(message: SmsMessage): Promise<void> {
    let res: Response
    try {
      res = await fetch(this.#url, {
        method: 'POST',
        headers: { ...this.#headers, 'x-message-kind': message.kind },
        body: JSON.stringify({ to: message.to, body: message.body }),
        signal: AbortSignal.timeout(this.#timeoutMs),
        // A redirected POST may silently become a GET elsewhere; treat it as a failure instead.
        redirect: 'manual',
      })
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: unknown } }
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new Error(`SMS webhook timed out after ${this.#timeoutMs} ms`)
      }
      const code = typeof e.cause?.code === 'string' ? ` (${e.cause.code})` : ''
      throw new Error(`SMS webhook request failed${code}`)
    }
    // Drain the body either way so the connection goes back to the pool.
    await res.body?.cancel().catch(() => undefined)
    if (res.status < 200 || res.status > 299) {
      throw new Error(`SMS webhook answered HTTP ${res.status}`)
    }
  }

  /** Nothing to release (each message is one HTTP request). */
  async close(): Promise<void> {}
}
