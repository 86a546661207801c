import * as v from '../lib/validate.js'
import { checkFieldName, type AccountsStrategyOptions } from './accounts-strategy.js'
import { OtpStrategy, type OtpChannel } from './otp-strategy.js'

export { actionOf, type PhaseAuthenticateOptions, type StrategyAction } from './phases.js'

export interface EmailOtpStrategyOptions extends AccountsStrategyOptions {
  /** Body (or query) field holding the email. Default `'email'`. */
  emailField?: string | undefined
  /** Body (or query) field holding the account id (an alternative to the email when verifying). Default `'userId'`. */
  userIdField?: string | undefined
  /** Body (or query) field holding the 6-digit code. Default `'code'`. */
  codeField?: string | undefined
}

/**
 * `'email-otp'`: a 6-digit code by email, in two phases (see `OtpStrategy`), through the same
 * core as `POST /account/tokens/email` and `POST /account/sessions/token`.
 */
export class EmailOtpStrategy extends OtpStrategy {
  override readonly name = 'email-otp'
  protected readonly channel: OtpChannel

  constructor(options: EmailOtpStrategyOptions) {
    super(options, 'EmailOtpStrategy')
    const emailField = checkFieldName('EmailOtpStrategy', 'emailField', options.emailField) ?? 'email'
    const { accounts } = this
    this.channel = {
      strategy: 'EmailOtpStrategy',
      requestRoute: 'POST /account/tokens/email',
      verifyRoute: 'POST /account/sessions/token',
      addressParam: 'email',
      addressField: emailField,
      userIdField: checkFieldName('EmailOtpStrategy', 'userIdField', options.userIdField) ?? 'userId',
      codeField: checkFieldName('EmailOtpStrategy', 'codeField', options.codeField) ?? 'code',
      canSend: () => accounts.options.mailer !== null,
      disabled: 'general_smtp_disabled',
      send: (email) => accounts.passwordless.sendEmailCode({ userId: 'unique()', email }),
      accountIdFor: async (email) => (await accounts.findAccountByEmail(v.email(emailField, email)))?.id,
    }
  }
}
