import type { Request } from 'express'
import { AccountsStrategy, clientOf, type AccountsStrategyOptions } from './accounts-strategy.js'

export type AnonymousStrategyOptions = AccountsStrategyOptions

/**
 * `'anonymous'`: creates a new anonymous account (no email, no password) and signs it in,
 * through the same core as `POST /account/sessions/anonymous`. Every call makes another
 * account; the user can keep it by adding an email and password later
 * (`accounts.updateEmail`), which upgrades it in place. Refused for the `console` project
 * (`401 user_anonymous_console_prohibited`), as Appwrite does.
 *
 * The router's rate limit (50 per hour per IP) does not apply here: put your own limiter in
 * front of the route if strangers can reach it.
 */
export class AnonymousStrategy extends AccountsStrategy {
  override readonly name = 'anonymous'

  constructor(options: AnonymousStrategyOptions) {
    super(options, 'AnonymousStrategy')
  }

  override authenticate(req: Request): void {
    this.settle(req, async () => ({ kind: 'success', signIn: await this.accounts.signInAnonymously(clientOf(req)) }))
  }
}
