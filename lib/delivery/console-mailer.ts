/**
 * Development mailer: prints each email instead of sending it, so codes and links can be
 * copied from the terminal. It exposes every secret it prints; never use it in production.
 */
import type { MailMessage, Mailer } from './delivery.js'
import { optionError } from '../option-errors.js'

/** Options of `ConsoleMailer`. */
export interface ConsoleMailerOptions {
  /** Where each message goes, called once per message with a multi-line string. Default `console.log`. */
  log?: ((text: string) => void) | undefined
}

/** A `Mailer` that logs messages (kind, recipient, subject, text body) and sends nothing. */
export class ConsoleMailer implements Mailer {
  readonly #log: (text: string) => void

  constructor(options: ConsoleMailerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('ConsoleMailer: options must be an object')
    if (options.log !== undefined && typeof options.log !== 'function') {
      throw optionError(options, 'ConsoleMailer: options.log must be a function')
    }
    // Bound lazily so tests that stub console.log after construction still see the output.
    this.#log = options.log ?? ((text) => console.log(text))
  }

  /** Prints the message (live codes and links included): for development only. */
  async send(message: MailMessage): Promise<void> {
    this.#log(
      [
        `[express-accounts] DEV EMAIL (not sent; ConsoleMailer is for development only)`,
        `  kind:    ${message.kind}`,
        `  to:      ${message.to}`,
        `  subject: ${message.subject}`,
        '',
        // Indented so the body reads as one block among other server logs.
        ...message.text.split('\n').map((line) => `  ${line}`),
        '[express-accounts] END DEV EMAIL',
      ].join('\n'),
    )
  }

  async close(): Promise<void> {}
}
