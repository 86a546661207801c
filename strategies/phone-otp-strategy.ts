import type { Request } from 'express'
import { AccountsError } from '../lib/errors.js'
import { phone as validPhone } from '../lib/phone.js'
import { AccountsStrategy, checkFieldName, clientOf, failure, field, missing, type AccountsStrategyOptions, type Outcome } from './accounts-strategy.js'
import { actionOf, type PhaseAuthenticateOptions } from './email-otp-strategy.js'

export interface PhoneOtpStrategyOptions extends AccountsStrategyOptions {
  /** Body (or query) field holding the phone number, E.164 (`+14155550101`). Default `'phone'`. */
  phoneField?: string
  /** Body (or query) field holding the account id (an alternative to the phone when verifying). Default `'userId'`. */
  userIdField?: string
  /** Body (or query) field holding the 6-digit code. Default `'code'`. */
  codeField?: string
}

/**
 * `'phone-otp'`: a 6-digit code by SMS, in two phases, through the same core as
 * `POST /account/tokens/phone` and `PUT /account/sessions/phone`.
 *
 * - request (`action: 'request'`, or no code in the request): texts a code, then `pass()`es
 *   so your next handler answers. Unknown numbers get an account (`passwordlessSignUp`);
 *   blocked ones get nothing; the answer is the same.
 * - verify (`action: 'verify'`, or a code present): code plus `userId` or the phone. An
 *   unknown number fails exactly like a wrong code, `401 user_invalid_token`.
 */
export class PhoneOtpStrategy extends AccountsStrategy {
  override readonly name = 'phone-otp'
  private readonly phoneField: string
  private readonly userIdField: string
  private readonly codeField: string

  constructor(options: PhoneOtpStrategyOptions) {
    super(options, 'PhoneOtpStrategy')
    this.phoneField = checkFieldName('PhoneOtpStrategy', 'phoneField', options.phoneField) ?? 'phone'
    this.userIdField = checkFieldName('PhoneOtpStrategy', 'userIdField', options.userIdField) ?? 'userId'
    this.codeField = checkFieldName('PhoneOtpStrategy', 'codeField', options.codeField) ?? 'code'
  }

  override authenticate(req: Request, options?: PhaseAuthenticateOptions): void {
    const action = actionOf('PhoneOtpStrategy', options)
    if (action instanceof TypeError) return this.error(action)
    const phone = field(req, this.phoneField)
    const code = field(req, this.codeField)
    if ((action ?? (code === undefined ? 'request' : 'verify')) === 'verify') {
      return this.settle(req, () => this.verifyCode(req, code, field(req, this.userIdField), phone))
    }
    // No SMS sender is a server misconfiguration, not a wrong credential: `error` (see EmailOtpStrategy).
    if (phone !== undefined && !this.accounts.options.sms) return this.error(new AccountsError('general_phone_disabled'))
    this.settle(req, async () => {
      if (phone === undefined) return missing(this.phoneField)
      await this.accounts.passwordless.sendPhoneCode({ userId: 'unique()', phone })
      return { kind: 'pass' }
    })
  }

  private async verifyCode(req: Request, code: string | undefined, userId: string | undefined, phone: string | undefined): Promise<Outcome> {
    if (code === undefined || (userId === undefined && phone === undefined)) {
      const fields = [code === undefined ? this.codeField : '', userId === undefined && phone === undefined ? `${this.userIdField} or ${this.phoneField}` : '']
      return missing(...fields.filter(Boolean))
    }
    // The number is looked up in the canonical E.164 form the request phase stored it under.
    const accountId = userId ?? (await this.accounts.findAccountByPhone(validPhone(this.phoneField, phone)))?.id
    if (accountId === undefined) return { kind: 'fail', status: 401, info: failure(new AccountsError('user_invalid_token')) }
    const signIn = await this.accounts.passwordless.signInWithToken({ userId: accountId, secret: code }, clientOf(req))
    return { kind: 'success', signIn }
  }
}
