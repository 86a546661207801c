import type { EmailKind, MessageContext, SmsKind } from '../delivery/delivery.js'
import { durationInWords, renderEmail, renderSms } from '../delivery/templates.js'
import { AccountsError } from '../errors.js'
import type { CoreContext } from './context.js'

export interface Delivery {
  to: string
  name: string
  code?: string
  link?: string
  phrase?: string
  /** Lifetime, seconds. */
  expiresIn: number
}

/**
 * Renders and sends messages. Sending happens after the request has been answered: a
 * request for a known address then takes as long as one for an unknown address (no
 * enumeration by timing), as Appwrite's mail worker does. A failed delivery is announced
 * as a `deliveryFailed` event and a process warning.
 */
export class Messenger {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  /** Throws `503 general_smtp_disabled` when no mailer is configured. */
  requireMailer(): void {
    if (!this.#ctx.options.mailer) throw new AccountsError('general_smtp_disabled')
  }

  /** Throws `503 general_phone_disabled` when no SMS sender is configured. */
  requireSms(): void {
    if (!this.#ctx.options.sms) throw new AccountsError('general_phone_disabled')
  }

  email(kind: EmailKind, d: Delivery): void {
    const mailer = this.#ctx.options.mailer
    if (!mailer) throw new AccountsError('general_smtp_disabled')
    this.#background('email', kind, d.to, async () => {
      const content = renderEmail(kind, this.#context(kind, d), this.#ctx.options.templates)
      await mailer.send({ kind, to: d.to, ...content })
    })
  }

  sms(kind: SmsKind, d: Delivery): void {
    const sender = this.#ctx.options.sms
    if (!sender) throw new AccountsError('general_phone_disabled')
    this.#background('sms', kind, d.to, async () => {
      const body = renderSms(kind, this.#context(kind, d), this.#ctx.options.templates)
      await sender.send({ kind, to: d.to, body })
    })
  }

  #context(kind: EmailKind | SmsKind, d: Delivery): MessageContext {
    return {
      kind,
      projectName: this.#ctx.options.projectName,
      to: d.to,
      name: d.name,
      code: d.code,
      link: d.link,
      phrase: d.phrase,
      expiresIn: d.expiresIn,
      expiresInWords: durationInWords(d.expiresIn),
    }
  }

  /**
   * Rendering happens here too: a custom template that throws, or an adapter that throws
   * instead of rejecting, becomes a `deliveryFailed` event — never a crash, and never an
   * answer that differs between known and unknown addresses.
   */
  #background(channel: 'email' | 'sms', kind: EmailKind | SmsKind, to: string, send: () => Promise<void>): void {
    setImmediate(() => {
      Promise.resolve().then(send).catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err))
        this.#ctx.events.emit('deliveryFailed', { channel, kind, to, error })
        process.emitWarning(`express-accounts: ${channel} delivery (${kind}) failed: ${error.message}`, { code: 'EXPRESS_ACCOUNTS_DELIVERY_FAILED' })
      })
    })
  }
}
