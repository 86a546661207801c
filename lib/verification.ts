import type { Core } from './core/core.js'
import { AccountsError } from './errors.js'
import { formatDate } from './models.js'
import type { TokenIssue } from './core/tokens.js'
import { checkRedirectUrl, withParams } from './redirect-url.js'
import type { AccountRecord, TokenRecord } from './store/store.js'
import type { TokenKind } from './core/token-kinds.js'
import * as v from './validate.js'

/** Email and phone verification for a signed-in account. */
export class Verification {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  /** Mails `url?userId&secret&expire` to the account's email. */
  async sendEmail(account: AccountRecord, input: { url: unknown }): Promise<TokenIssue> {
    const { options } = this.#core
    const url = checkRedirectUrl('url', input.url, options.allowedRedirectOrigins)
    this.#core.messenger.requireMailer()
    if (!account.email) throw new AccountsError('user_email_not_found')
    if (account.emailVerification) throw new AccountsError('user_email_already_verified')
    const ttl = options.tokenLifetimes.emailVerification
    const { token, secret } = await this.#core.tokens.issue(account.id, 'email-verification', { ttl, data: { email: account.email } })
    const link = withParams(url, { userId: account.id, secret, expire: formatDate(token.expiresAt) })
    this.#core.messenger.email('email-verification', { to: account.email, name: account.name, link, expiresIn: ttl })
    return { token, secret, phrase: '' }
  }

  /** Texts a 6-digit code to the account's phone. */
  async sendPhone(account: AccountRecord): Promise<TokenIssue> {
    this.#core.messenger.requireSms()
    if (!account.phone) throw new AccountsError('user_phone_not_found')
    if (account.phoneVerification) throw new AccountsError('user_phone_already_verified')
    const ttl = this.#core.options.tokenLifetimes.phoneVerification
    const { token, secret } = await this.#core.tokens.issue(account.id, 'phone-verification', { ttl, data: { phone: account.phone } })
    this.#core.messenger.sms('phone-verification', { to: account.phone, name: account.name, code: secret, expiresIn: ttl })
    return { token, secret, phrase: '' }
  }

  async confirmEmail(input: { userId: unknown; secret: unknown }): Promise<TokenRecord> {
    return this.#confirm(input, 'email-verification', 'email')
  }

  async confirmPhone(input: { userId: unknown; secret: unknown }): Promise<TokenRecord> {
    return this.#confirm(input, 'phone-verification', 'phone')
  }

  /**
   * Unknown account and bad secret both answer `401 user_invalid_token`, so the public
   * confirm routes cannot be used to probe account ids. A token only verifies the address
   * it was sent to: after a change of email or phone it is void.
   */
  async #confirm(input: { userId: unknown; secret: unknown }, kind: TokenKind, field: 'email' | 'phone'): Promise<TokenRecord> {
    const userId = v.text('userId', input.userId, 36)
    const secret = v.text('secret', input.secret)
    const token = await this.#core.tokens.redeem(userId, [kind], secret)
    if (!token) throw new AccountsError('user_invalid_token')
    const account = await this.#core.accounts.get(userId)
    if (!account || account[field] !== token.data[field]) throw new AccountsError('user_invalid_token')
    try {
      await this.#core.accounts.update(userId, (a) => {
        if (a[field] !== token.data[field]) return
        if (field === 'email') a.emailVerification = true
        else a.phoneVerification = true
      })
    } catch (err) {
      if (err instanceof AccountsError && err.type === 'user_not_found') throw new AccountsError('user_invalid_token')
      throw err
    }
    return token
  }
}
