import type { Request } from 'express'
import { AccountsStrategy, checkFieldName, clientOf, field, missing, type AccountsStrategyOptions } from './accounts-strategy.js'

export interface PasswordStrategyOptions extends AccountsStrategyOptions {
  /** Body (or query) field holding the email. Default `'email'`. */
  emailField?: string | undefined
  /** Body (or query) field holding the password. Default `'password'`. */
  passwordField?: string | undefined
}

/**
 * `'password'`: email + password, through the same core sign-in as
 * `POST /account/sessions/email` (same Session record, same answers: an unknown email and a
 * wrong password both fail `401 user_invalid_credentials`), under the same limits (10 tries
 * per IP and email, 20 failures per IP, 30 per account from unknown clients: `429`). Needs a
 * body parser in the app.
 */
export class PasswordStrategy extends AccountsStrategy {
  override readonly name = 'password'
  private readonly emailField: string
  private readonly passwordField: string

  constructor(options: PasswordStrategyOptions) {
    super(options, 'PasswordStrategy')
    this.emailField = checkFieldName('PasswordStrategy', 'emailField', options.emailField) ?? 'email'
    this.passwordField = checkFieldName('PasswordStrategy', 'passwordField', options.passwordField) ?? 'password'
  }

  override authenticate(req: Request): void {
    this.settle(req, async () => {
      const email = field(req, this.emailField)
      const password = field(req, this.passwordField)
      if (email === undefined || password === undefined) {
        return missing(...[email === undefined ? this.emailField : '', password === undefined ? this.passwordField : ''].filter(Boolean))
      }
      return this.limited('POST /account/sessions/email', req, { email }, async () => ({
        kind: 'success',
        signIn: await this.accounts.signInWithPassword({ email, password }, clientOf(req)),
      }))
    })
  }
}
