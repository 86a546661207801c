import type { Core } from './core/core.js'
import { SECURITY_EVENTS } from './core/security-log.js'
import { AccountsError } from './errors.js'
import { formatDate } from './models.js'
import type { TokenIssue } from './core/tokens.js'
import { checkRedirectUrl, withParams } from './redirect-url.js'
import type { AccountRecord, TokenRecord } from './store/store.js'
import type { TokenKind } from './core/token-kinds.js'
import * as v from './validate.js'

/** Who confirms a verification: a session of the account itself, or trusted server code. */
export type ConfirmedBy = { accountId: string | null } | { trusted: true }

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

  /**
   * `by` is who confirms: `{ accountId }` of the caller's session, or `{ trusted: true }` for
   * server code (an API-key caller). Anyone but the account itself gets `401 user_unauthorized`
   * and the link stays usable.
   */
  async confirmEmail(input: { userId: unknown; secret: unknown }, by: ConfirmedBy): Promise<TokenRecord> {
    return this.#confirm(input, by, 'email-verification', 'email')
  }

  /** As {@link confirmEmail}, for the texted code. */
  async confirmPhone(input: { userId: unknown; secret: unknown }, by: ConfirmedBy): Promise<TokenRecord> {
    return this.#confirm(input, by, 'phone-verification', 'phone')
  }

  /**
   * Unknown account and bad secret both answer `401 user_invalid_token`, so the public
   * confirm routes cannot be used to probe account ids. A token only verifies the address
   * it was sent to: after a change of email or phone it is void.
   */
  async #confirm(input: { userId: unknown; secret: unknown }, by: ConfirmedBy, kind: TokenKind, field: 'email' | 'phone'): Promise<TokenRecord> {
    const userId = v.text('userId', input.userId, 36)
    const secret = v.text('secret', input.secret)
    // A squatter who signed up with someone else's address mails that person a link; opened
    // without the squatter's session it would verify the address for the squatter, and the
    // owner's later code sign-in would no longer be a first proof that takes the account over.
    // Checked before the token is redeemed, so a refused link is not spent.
    if (!('trusted' in by && by.trusted) && !('accountId' in by && by.accountId === userId)) {
      throw new AccountsError('user_unauthorized', 'Sign in to the account first, then open the link again.')
    }
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
      await this.#core.securityLog.record(userId, SECURITY_EVENTS.verificationCompleted)
    } catch (err) {
      if (err instanceof AccountsError && err.type === 'user_not_found') throw new AccountsError('user_invalid_token')
      throw err
    }
    return token
  }
}
