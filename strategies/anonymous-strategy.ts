import type { Request } from 'express'
import { AccountsStrategy, clientOf, type AccountsStrategyOptions } from './accounts-strategy.js'

/** Options of `AnonymousStrategy`. */
export type AnonymousStrategyOptions = AccountsStrategyOptions

/**
 * `'anonymous'`: creates a new anonymous account (no email, no password) and signs it in,
 * through the same core as `POST /account/sessions/anonymous`. Every call makes another
 * account; the user can keep it by adding an email and password later
 * (`accounts.updateEmail`), which upgrades it in place. Refused for the `console` project
 * (`401 user_anonymous_console_prohibited`), as Appwrite does.
 * Limited as the route is: 50 per hour per IP (`429 general_rate_limit_exceeded`).
 */
export class AnonymousStrategy extends AccountsStrategy {
  override readonly name = 'anonymous'

  constructor(options: AnonymousStrategyOptions) {
    super(options, 'AnonymousStrategy')
  }

  override authenticate(req: Request): void {
    this.settle(req, () =>
      this.limited('POST /account/sessions/anonymous', req, {}, async () => ({ kind: 'success', signIn: await this.accounts.signInAnonymously(clientOf(req)) })),
    )
  }
}
