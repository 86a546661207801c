import type { Request } from 'express'
import { AccountsError } from '../lib/errors.js'
import * as v from '../lib/validate.js'
import { AccountsStrategy, checkFieldName, clientOf, failure, field, missing, type AccountsStrategyOptions, type Outcome } from './accounts-strategy.js'

/** The two phases of a code or link strategy: send it, then trade it for a session. */
export type StrategyAction = 'request' | 'verify'

/** What `passport.authenticate('email-otp' | 'phone-otp' | 'magic-link', options)` reads. */
export interface PhaseAuthenticateOptions {
  /** `'request'` sends the code or link, `'verify'` signs in with it. Default: inferred from the request. */
  action?: StrategyAction
}

declare module 'passport' {
  // So `passport.authenticate('email-otp', { action: 'request' })` type-checks.
  interface AuthenticateOptions {
    /** express-accounts' code and link strategies: `'request'` sends, `'verify'` signs in. */
    action?: StrategyAction
  }
}

/** The phase `options.action` names, undefined to infer it, or a TypeError for a bad value. */
export function actionOf(strategy: string, options: unknown): StrategyAction | undefined | TypeError {
  const action = options && typeof options === 'object' ? (options as PhaseAuthenticateOptions).action : undefined
  if (action === undefined || action === 'request' || action === 'verify') return action
  return new TypeError(`${strategy}: authenticate option action must be 'request' or 'verify'`)
}

export interface EmailOtpStrategyOptions extends AccountsStrategyOptions {
  /** Body (or query) field holding the email. Default `'email'`. */
  emailField?: string
  /** Body (or query) field holding the account id (an alternative to the email when verifying). Default `'userId'`. */
  userIdField?: string
  /** Body (or query) field holding the 6-digit code. Default `'code'`. */
  codeField?: string
}

/**
 * `'email-otp'`: a 6-digit code by email, in two phases, through the same core as
 * `POST /account/tokens/email` and `POST /account/sessions/token`.
 *
 * - request (`action: 'request'`, or no code in the request): mails a code, then `pass()`es
 *   so your next handler answers ("check your inbox"). Unknown emails get an account
 *   (`passwordlessSignUp`); blocked ones get nothing; the answer is the same.
 * - verify (`action: 'verify'`, or a code present): code plus `userId` or the email. An
 *   unknown email fails exactly like a wrong code, `401 user_invalid_token`.
 */
export class EmailOtpStrategy extends AccountsStrategy {
  override readonly name = 'email-otp'
  private readonly emailField: string
  private readonly userIdField: string
  private readonly codeField: string

  constructor(options: EmailOtpStrategyOptions) {
    super(options, 'EmailOtpStrategy')
    this.emailField = checkFieldName('EmailOtpStrategy', 'emailField', options.emailField) ?? 'email'
    this.userIdField = checkFieldName('EmailOtpStrategy', 'userIdField', options.userIdField) ?? 'userId'
    this.codeField = checkFieldName('EmailOtpStrategy', 'codeField', options.codeField) ?? 'code'
  }

  override authenticate(req: Request, options?: PhaseAuthenticateOptions): void {
    const action = actionOf('EmailOtpStrategy', options)
    if (action instanceof TypeError) return this.error(action)
    const email = field(req, this.emailField)
    const code = field(req, this.codeField)
    if ((action ?? (code === undefined ? 'request' : 'verify')) === 'verify') {
      return this.settle(req, () => this.verifyCode(req, code, field(req, this.userIdField), email))
    }
    // No mailer is a server misconfiguration, not a wrong credential: `error`, so the app's
    // error handler renders 503 and failureRedirect / failureFlash never blame the user.
    if (email !== undefined && !this.accounts.options.mailer) return this.error(new AccountsError('general_smtp_disabled'))
    this.settle(req, async () => {
      if (email === undefined) return missing(this.emailField)
      await this.accounts.passwordless.sendEmailCode({ userId: 'unique()', email })
      return { kind: 'pass' }
    })
  }

  private async verifyCode(req: Request, code: string | undefined, userId: string | undefined, email: string | undefined): Promise<Outcome> {
    if (code === undefined || (userId === undefined && email === undefined)) {
      const fields = [code === undefined ? this.codeField : '', userId === undefined && email === undefined ? `${this.userIdField} or ${this.emailField}` : '']
      return missing(...fields.filter(Boolean))
    }
    const accountId = userId ?? (await this.accounts.findAccountByEmail(v.email(this.emailField, email)))?.id
    if (accountId === undefined) return { kind: 'fail', status: 401, info: failure(new AccountsError('user_invalid_token')) }
    const signIn = await this.accounts.passwordless.signInWithToken({ userId: accountId, secret: code }, clientOf(req))
    return { kind: 'success', signIn }
  }
}
