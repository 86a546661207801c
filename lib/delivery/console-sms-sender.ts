/**
 * Development SMS sender: prints each SMS instead of sending it, so codes can be copied from
 * the terminal. It exposes every code it prints; never use it in production.
 */
import type { SmsMessage, SmsSender } from './delivery.js'
import { optionError } from '../option-errors.js'

/** Options of `ConsoleSmsSender`. */
export interface ConsoleSmsSenderOptions {
  /** Where each message goes, called once per message with a multi-line string. Default `console.log`. */
  log?: ((text: string) => void) | undefined
}

/** An `SmsSender` that logs messages (kind, recipient, body) and sends nothing. */
export class ConsoleSmsSender implements SmsSender {
  readonly #log: (text: string) => void

  constructor(options: ConsoleSmsSenderOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('ConsoleSmsSender: options must be an object')
    if (options.log !== undefined && typeof options.log !== 'function') {
      throw optionError(options, 'ConsoleSmsSender: options.log must be a function')
    }
    // Bound lazily so tests that stub console.log after construction still see the output.
    this.#log = options.log ?? ((text) => console.log(text))
  }

  /** Prints the message (live codes included): for development only. */
  async send(message: SmsMessage): Promise<void> {
    this.#log(
      [
        `[express-accounts] DEV SMS (not sent; ConsoleSmsSender is for development only)`,
        `  kind: ${message.kind}`,
        `  to:   ${message.to}`,
        `  body: ${message.body}`,
      ].join('\n'),
    )
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
