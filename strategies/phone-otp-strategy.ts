import { phone as validPhone } from '../lib/phone.js'
import { checkFieldName, type AccountsStrategyOptions } from './accounts-strategy.js'
import { OtpStrategy, type OtpChannel } from './otp-strategy.js'

export interface PhoneOtpStrategyOptions extends AccountsStrategyOptions {
  /** Body (or query) field holding the phone number, E.164 (`+14155550101`). Default `'phone'`. */
  phoneField?: string | undefined
  /** Body (or query) field holding the account id (an alternative to the phone when verifying). Default `'userId'`. */
  userIdField?: string | undefined
  /** Body (or query) field holding the 6-digit code. Default `'code'`. */
  codeField?: string | undefined
}

/**
 * `'phone-otp'`: a 6-digit code by SMS, in two phases (see `OtpStrategy`), through the same
 * core as `POST /account/tokens/phone` and `PUT /account/sessions/phone`.
 */
export class PhoneOtpStrategy extends OtpStrategy {
  override readonly name = 'phone-otp'
  protected readonly channel: OtpChannel

  constructor(options: PhoneOtpStrategyOptions) {
    super(options, 'PhoneOtpStrategy')
    const phoneField = checkFieldName('PhoneOtpStrategy', 'phoneField', options.phoneField) ?? 'phone'
    const { accounts } = this
    this.channel = {
      strategy: 'PhoneOtpStrategy',
      requestRoute: 'POST /account/tokens/phone',
      verifyRoute: 'PUT /account/sessions/phone',
      addressParam: 'phone',
      addressField: phoneField,
      userIdField: checkFieldName('PhoneOtpStrategy', 'userIdField', options.userIdField) ?? 'userId',
      codeField: checkFieldName('PhoneOtpStrategy', 'codeField', options.codeField) ?? 'code',
      canSend: () => accounts.options.sms !== null,
      disabled: 'general_phone_disabled',
      send: (phone) => accounts.passwordless.sendPhoneCode({ userId: 'unique()', phone }),
      // Looked up in the canonical E.164 form the request phase stored it under.
      accountIdFor: async (phone) => (await accounts.findAccountByPhone(validPhone(phoneField, phone)))?.id,
    }
  }
}
