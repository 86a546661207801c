import type { Accounts } from './accounts.js'
import { AccountsError } from './errors.js'
import { formatDate } from './models.js'
import type { Messenger } from './messenger.js'
import { phone as validPhone } from './phone.js'
import { newPhrase } from './phrase.js'
import { checkRedirectUrl, withParams } from './redirect-url.js'
import type { ClientContext, SignIn } from './sessions.js'
import type { AccountRecord, TokenRecord } from './store/store.js'
import { newId } from './secrets.js'
import { SIGN_IN_KINDS, type Tokens } from './tokens.js'
import * as v from './validate.js'

/** A token request's outcome. `secret` is `''` when nothing was issued (a decoy answer). */
export interface TokenIssue {
  token: TokenRecord
  secret: string
  phrase: string
}

export interface EmailTokenInput {
  userId: unknown
  email: unknown
  phrase?: unknown
}

/** What each sign-in token kind makes of the session (wire reference §2.4). */
const SESSION_SHAPE: Record<string, { provider: string; factors: string[] }> = {
  'email-otp': { provider: 'token', factors: ['email'] },
  'magic-url': { provider: 'magic-url', factors: ['email'] },
  'phone-otp': { provider: 'phone', factors: ['phone'] },
  server: { provider: 'token', factors: ['token'] },
}

/** Email OTP, magic URL and phone OTP: request a token, then trade it for a session. */
export class Passwordless {
  readonly #accounts: Accounts
  readonly #tokens: Tokens
  readonly #messenger: Messenger

  constructor(accounts: Accounts, tokens: Tokens, messenger: Messenger) {
    this.#accounts = accounts
    this.#tokens = tokens
    this.#messenger = messenger
  }

  /** Mails a 6-digit code. An unknown email gets an account (unless `passwordlessSignUp` is off). */
  async sendEmailCode(input: EmailTokenInput): Promise<TokenIssue> {
    const { requestedId, email, phrase } = this.#emailInput(input)
    this.#messenger.requireMailer()
    const ttl = this.#accounts.options.tokenLifetimes.emailOtp
    const account = await this.#accountFor('email', email, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, phrase)
    const { token, secret } = await this.#tokens.issue(account.id, 'email-otp', { format: 'code', ttl, data: { email } })
    this.#messenger.email('email-otp', { to: email, name: account.name, code: secret, phrase: phrase || undefined, expiresIn: ttl })
    return { token, secret, phrase }
  }

  /** Mails a link `url?userId&secret&expire&project` that signs the account in. */
  async sendMagicUrl(input: EmailTokenInput & { url?: unknown }): Promise<TokenIssue> {
    const { requestedId, email, phrase } = this.#emailInput(input)
    const { options } = this.#accounts
    const url = checkRedirectUrl('url', input.url ?? options.magicUrl ?? undefined, options.allowedRedirectOrigins)
    this.#messenger.requireMailer()
    const ttl = options.tokenLifetimes.magicUrl
    const account = await this.#accountFor('email', email, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, phrase)
    const { token, secret } = await this.#tokens.issue(account.id, 'magic-url', { format: 'secret', ttl, data: { email } })
    const link = withParams(url, { userId: account.id, secret, expire: formatDate(token.expiresAt), project: options.project })
    this.#messenger.email('magic-url', { to: email, name: account.name, link, phrase: phrase || undefined, expiresIn: ttl })
    return { token, secret, phrase }
  }

  /** Texts a 6-digit code. An unknown number gets an account (unless `passwordlessSignUp` is off). */
  async sendPhoneCode(input: { userId: unknown; phone: unknown }): Promise<TokenIssue> {
    const requestedId = v.userId('userId', input.userId)
    const number = validPhone('phone', input.phone)
    this.#messenger.requireSms()
    const ttl = this.#accounts.options.tokenLifetimes.phoneOtp
    const account = await this.#accountFor('phone', number, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, '')
    const { token, secret } = await this.#tokens.issue(account.id, 'phone-otp', { format: 'code', ttl, data: { phone: number } })
    this.#messenger.sms('phone-otp', { to: number, name: account.name, code: secret, expiresIn: ttl })
    return { token, secret, phrase: '' }
  }

  /**
   * Trades `userId` + a token secret for a session. Unknown account, wrong, used or expired
   * secret all answer `401 user_invalid_token` (no hint which). The address the token was
   * sent to is marked verified, if the account still has it.
   */
  async signInWithToken(input: { userId: unknown; secret: unknown }, client: ClientContext = {}): Promise<SignIn> {
    const userId = v.text('userId', input.userId, 36)
    const secret = v.text('secret', input.secret)
    const token = await this.#tokens.redeem(userId, SIGN_IN_KINDS, secret)
    const account = token ? await this.#accounts.getAccount(userId) : null
    if (!token || !account) throw new AccountsError('user_invalid_token')
    // A code or link sent to an address the account no longer has is void.
    const sentTo = token.data.email ?? token.data.phone
    if (typeof sentTo === 'string' && sentTo !== (token.data.email !== undefined ? account.email : account.phone)) {
      throw new AccountsError('user_invalid_token')
    }
    if (!account.status) throw new AccountsError('user_blocked')
    const verifiedEmail = (token.kind === 'email-otp' || token.kind === 'magic-url') && token.data.email === account.email
    const verifiedPhone = token.kind === 'phone-otp' && token.data.phone === account.phone
    // First proof of any address on this account. If it already had a way in — a password,
    // a linked provider login, an authenticator — whoever set that up never proved an
    // address: someone may have registered the victim's address in advance (pre-account
    // hijacking). The proven owner takes the account over: those ways in are removed (the
    // password, identities, TOTP, recovery codes, the MFA switch and the other, unproven
    // address) and every other session ends; a password can be set again by recovery. An
    // account that had already proven an address is left alone.
    const firstProof = (verifiedEmail && !account.emailVerification) || (verifiedPhone && !account.phoneVerification)
    const noneProven = !account.emailVerification && !account.phoneVerification
    const identities = firstProof && noneProven ? await this.#accounts.listIdentities(account.id) : []
    const otherAddress = verifiedEmail ? account.phone : account.email
    const takeOver = firstProof && noneProven && (account.passwordHash !== null || identities.length > 0 || Boolean(account.totp) || otherAddress !== '')
    let signedIn = account
    if (firstProof) {
      signedIn = await this.#accounts.update(account.id, (a) => {
        if (verifiedEmail && a.email === token.data.email) a.emailVerification = true
        if (verifiedPhone && a.phone === token.data.phone) a.phoneVerification = true
        if (takeOver) {
          a.passwordHash = null
          a.passwordUpdatedAt = null
          a.totp = null
          a.recoveryCodes = null
          a.mfa = false
          if (verifiedEmail && !a.phoneVerification) a.phone = ''
          if (verifiedPhone && !a.emailVerification) a.email = ''
        }
      })
    }
    const signIn = await this.#createSession(signedIn, token, client)
    if (takeOver) {
      for (const identity of identities) await this.#accounts.store.deleteIdentity(account.id, identity.id)
      await this.#accounts.sessions.deleteAll(account.id, signIn.session.id)
    }
    return signIn
  }

  #createSession(signedIn: AccountRecord, token: TokenRecord, client: ClientContext): Promise<SignIn> {
    if (token.kind === 'oauth2') return this.#accounts.sessions.create(signedIn, oauth2Origin(token.data), client)
    const shape = SESSION_SHAPE[token.kind] ?? SESSION_SHAPE.server
    const providerUid = typeof token.data.email === 'string' ? token.data.email : typeof token.data.phone === 'string' ? token.data.phone : ''
    return this.#accounts.sessions.create(signedIn, { provider: shape.provider, providerUid, factors: shape.factors }, client)
  }

  /**
   * A secret that signs the account in through `POST /account/sessions/token`, for server
   * code that has verified the person some other way (Appwrite's `users.createToken`).
   */
  async createServerToken(accountId: string, ttl = 900): Promise<TokenIssue> {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 24 * 3600) throw new TypeError('ttl must be an integer number of seconds from 1 to 2 592 000')
    if (!(await this.#accounts.getAccount(accountId))) throw new AccountsError('user_not_found')
    const { token, secret } = await this.#tokens.issue(accountId, 'server', { format: 'secret', ttl })
    return { token, secret, phrase: '' }
  }

  #emailInput(input: EmailTokenInput): { requestedId: string | null; email: string; phrase: string } {
    const requestedId = v.userId('userId', input.userId)
    const email = v.email('email', input.email)
    if (input.phrase !== undefined && typeof input.phrase !== 'boolean') throw v.invalidBoolean('phrase')
    return { requestedId, email, phrase: input.phrase === true ? newPhrase() : '' }
  }

  /**
   * The account a token goes to: the owner of the address, or a new password-less account
   * with it. Null when nothing may be sent (sign-up off, the account is blocked, or the
   * requested id is taken); the caller then answers with a decoy so the response does not tell.
   */
  async #accountFor(field: 'email' | 'phone', value: string, requestedId: string | null): Promise<AccountRecord | null> {
    const existing = field === 'email' ? await this.#accounts.findAccountByEmail(value) : await this.#accounts.findAccountByPhone(value)
    if (existing) return existing.status ? existing : null
    if (!this.#accounts.options.passwordlessSignUp) return null
    try {
      return await this.#accounts.createPasswordlessAccount({ id: requestedId ?? undefined, [field]: value })
    } catch (err) {
      if (!(err instanceof AccountsError) || err.type !== 'user_already_exists') throw err
      // Someone claimed the address in between: the token goes to that account.
      const owner = field === 'email' ? await this.#accounts.findAccountByEmail(value) : await this.#accounts.findAccountByPhone(value)
      if (owner) return owner.status ? owner : null
      // Otherwise the requested id belongs to another account. A 409 here would tell anyone
      // which ids exist (a known address answers 201): answer the same decoy, send nothing.
      return null
    }
  }

  #decoy(requestedId: string | null, ttl: number, phrase: string): TokenIssue {
    return { token: this.#tokens.decoy(requestedId ?? newId(), ttl), secret: '', phrase }
  }
}

/** An OAuth2 token carries its provider session fields (set by `GET /account/tokens/oauth2/*`). */
function oauth2Origin(data: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === 'string' ? v : '')
  return {
    provider: text(data.provider),
    providerUid: text(data.providerUid),
    factors: ['email', 'oauth2'],
    providerAccessToken: text(data.providerAccessToken),
    providerAccessTokenExpiry: typeof data.providerAccessTokenExpiry === 'number' ? data.providerAccessTokenExpiry : null,
    providerRefreshToken: text(data.providerRefreshToken),
  }
}
