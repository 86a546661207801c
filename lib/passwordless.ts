import type { Core } from './core/core.js'
import type { TokenIssue } from './core/tokens.js'
import { scopeWith, SECURITY_EVENTS } from './core/security-log.js'
import type { ClientContext, SignIn } from './core/sessions.js'
import { kindsBoundTo, SIGN_IN_KINDS, sessionShape, TOKEN_KINDS, type TokenKindRule } from './core/token-kinds.js'
import { AccountsError } from './errors.js'
import { formatDate } from './models.js'
import { phone as validPhone } from './phone.js'
import { newPhrase } from './phrase.js'
import { checkRedirectUrl, withParams } from './redirect-url.js'
import type { AccountRecord, TokenRecord } from './store/store.js'
import { newId } from './secrets.js'
import * as v from './validate.js'

export type { TokenIssue } from './core/tokens.js'

/** Input of `sendEmailCode()` / `sendMagicUrl()`. */
export interface EmailTokenInput {
  userId: unknown
  email: unknown
  phrase?: unknown | undefined
}

/** Email OTP, magic URL and phone OTP: request a token, then trade it for a session. */
export class Passwordless {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  /** Mails a 6-digit code. An unknown email gets an account (unless `passwordlessSignUp` is off). */
  async sendEmailCode(input: EmailTokenInput): Promise<TokenIssue> {
    const { requestedId, email, phrase } = this.#emailInput(input)
    this.#core.messenger.requireMailer()
    const ttl = this.#core.options.tokenLifetimes.emailOtp
    const account = await this.#accountFor('email', email, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, phrase)
    const { token, secret } = await this.#core.tokens.issue(account.id, 'email-otp', { ttl, data: { email } })
    this.#core.messenger.email('email-otp', { to: email, name: account.name, code: secret, phrase: phrase || undefined, expiresIn: ttl })
    return { token, secret, phrase }
  }

  /** Mails a link `url?userId&secret&expire&project` that signs the account in. */
  async sendMagicUrl(input: EmailTokenInput & { url?: unknown }): Promise<TokenIssue> {
    const { requestedId, email, phrase } = this.#emailInput(input)
    const { options } = this.#core
    const url = checkRedirectUrl('url', input.url ?? options.magicUrl ?? undefined, options.allowedRedirectOrigins)
    this.#core.messenger.requireMailer()
    const ttl = options.tokenLifetimes.magicUrl
    const account = await this.#accountFor('email', email, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, phrase)
    const { token, secret } = await this.#core.tokens.issue(account.id, 'magic-url', { ttl, data: { email } })
    const link = withParams(url, { userId: account.id, secret, expire: formatDate(token.expiresAt), project: options.project })
    this.#core.messenger.email('magic-url', { to: email, name: account.name, link, phrase: phrase || undefined, expiresIn: ttl })
    return { token, secret, phrase }
  }

  /** Texts a 6-digit code. An unknown number gets an account (unless `passwordlessSignUp` is off). */
  async sendPhoneCode(input: { userId: unknown; phone: unknown }): Promise<TokenIssue> {
    const requestedId = v.userId('userId', input.userId)
    const number = validPhone('phone', input.phone)
    this.#core.messenger.requireSms()
    const ttl = this.#core.options.tokenLifetimes.phoneOtp
    const account = await this.#accountFor('phone', number, requestedId)
    if (!account) return this.#decoy(requestedId, ttl, '')
    const { token, secret } = await this.#core.tokens.issue(account.id, 'phone-otp', { ttl, data: { phone: number } })
    this.#core.messenger.sms('phone-otp', { to: number, name: account.name, code: secret, expiresIn: ttl })
    return { token, secret, phrase: '' }
  }

  /**
   * Trades `userId` + a token secret for a session. Unknown account, wrong, used or expired
   * secret all answer `401 user_invalid_token` (no hint which). The address the token was
   * sent to is marked verified, if the account still has it; a first proof of it either takes
   * the account over or is refused (`401 user_unauthorized`), see `#firstProof`.
   */
  async signInWithToken(input: { userId: unknown; secret: unknown }, client: ClientContext = {}): Promise<SignIn> {
    const userId = v.text('userId', input.userId, 36)
    const secret = v.text('secret', input.secret)
    const token = await this.#core.tokens.redeem(userId, SIGN_IN_KINDS, secret)
    // Logged only for an account that exists (the store refuses to log for any other id).
    if (!token) await this.#core.securityLog.record(userId, SECURITY_EVENTS.signInFailed, scopeWith(client))
    const account = token ? await this.#core.accounts.get(userId) : null
    if (!token || !account) throw new AccountsError('user_invalid_token')
    const proof = provenAddress(token)
    // A code or link sent to an address the account no longer has is void.
    if (proof && account[proof.field] !== proof.value) throw new AccountsError('user_invalid_token')
    if (!account.status) throw new AccountsError('user_blocked')
    // Before a first proof's takeover: a vetoed sign-in changes nothing (the code is spent).
    await this.#core.sessions.vet(account, token.kind === 'oauth2' ? oauth2Origin(token.data).provider : sessionShape(token.kind).provider)
    if (!proof || account[VERIFIED[proof.field]]) return this.#createSession(account, token, client)
    const owner = await this.#firstProof(account.id, proof)
    if (!owner.tookOver) return this.#createSession(owner.account, token, client)
    for (const identity of await this.#core.store.listIdentities(account.id)) await this.#core.store.deleteIdentity(account.id, identity.id)
    // Tokens the previous holder may still have must not sign them back in: an OAuth2 sign-in
    // token from their provider login, codes and links sent to the address just removed.
    await this.#core.store.deleteTokens(account.id, ['oauth2', ...kindsBoundTo(proof.field === 'email' ? 'phone' : 'email')])
    // Created before the others end: a session made by a racing sign-in before this point is
    // ended too, and after it no other way in is left.
    const signIn = await this.#createSession(owner.account, token, client)
    await this.#core.sessions.deleteAll(account.id, signIn.session.id)
    return signIn
  }

  /**
   * The first proof of an address: redeeming a code or link sent to an address the account
   * holds unverified. Whoever set the account up may not own that address (someone can sign
   * up with a victim's email in advance: pre-account hijacking), so the prover either takes
   * the account over or is refused:
   * - refused (`401 user_unauthorized`, nothing changes) when the account already has another
   *   proven address, or MFA on with an enrolled second factor (a verified TOTP or unused
   *   recovery codes): someone proved more than this prover, and a second factor is never
   *   removed by proof of the first. The user signs in another way and verifies the address.
   * - otherwise taken over: the address is verified, and every way in the previous holder set
   *   up goes (password, the other, unproven address, TOTP, recovery codes, the MFA switch;
   *   the caller then removes identities and ends the other sessions).
   * Decided inside the compare-and-set on the fresh record, so a proof or factor added
   * meanwhile is seen.
   */
  async #firstProof(accountId: string, proof: AddressProof): Promise<{ account: AccountRecord; tookOver: boolean }> {
    const other = proof.field === 'email' ? 'phone' : 'email'
    let tookOver = false
    const account = await this.#core.accounts.update(accountId, (a) => {
      tookOver = false
      if (a[proof.field] !== proof.value) throw new AccountsError('user_invalid_token')
      if (a[VERIFIED[proof.field]]) return // proven meanwhile: no longer a first proof
      const secondFactor = a.mfa && (a.totp?.verified === true || (a.recoveryCodes?.hashes.length ?? 0) > 0)
      if ((a[other] !== '' && a[VERIFIED[other]]) || secondFactor) {
        throw new AccountsError(
          'user_unauthorized',
          `This ${proof.field} is not verified on this account, which already has another verified address or a second factor. Sign in another way and verify the ${proof.field} first.`,
        )
      }
      a[VERIFIED[proof.field]] = true
      a.passwordHash = null
      a.passwordUpdatedAt = null
      a[other] = ''
      a[VERIFIED[other]] = false
      // With MFA on and an enrolled factor the sign-in was refused above, so any TOTP left
      // here guards nothing: an unverified one, or a verified one with MFA off.
      a.totp = null
      a.recoveryCodes = null
      a.mfa = false
      tookOver = true
    })
    return { account, tookOver }
  }

  #createSession(signedIn: AccountRecord, token: TokenRecord, client: ClientContext): Promise<SignIn> {
    if (token.kind === 'oauth2') return this.#core.sessions.create(signedIn, { ...oauth2Origin(token.data), vetted: true }, client)
    const shape = sessionShape(token.kind)
    const providerUid = typeof token.data.email === 'string' ? token.data.email : typeof token.data.phone === 'string' ? token.data.phone : ''
    return this.#core.sessions.create(signedIn, { provider: shape.provider, providerUid, factors: shape.factors, vetted: true }, client)
  }

  /**
   * A secret that signs the account in through `POST /account/sessions/token`, for server
   * code that has verified the person some other way (Appwrite's `users.createToken`).
   */
  async createServerToken(accountId: string, ttl = 900): Promise<TokenIssue> {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 24 * 3600) throw new TypeError('ttl must be an integer number of seconds from 1 to 2 592 000')
    if (!(await this.#core.accounts.get(accountId))) throw new AccountsError('user_not_found')
    const { token, secret } = await this.#core.tokens.issue(accountId, 'server', { ttl })
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
    const existing = field === 'email' ? await this.#core.accounts.findByEmail(value) : await this.#core.accounts.findByPhone(value)
    if (existing) return existing.status ? existing : null
    if (!this.#core.options.passwordlessSignUp) return null
    try {
      return await this.#core.accounts.insertPasswordless({ id: requestedId ?? undefined, [field]: value, provider: field })
    } catch (err) {
      if (!(err instanceof AccountsError) || err.type !== 'user_already_exists') throw err
      // Someone claimed the address in between: the token goes to that account.
      const owner = field === 'email' ? await this.#core.accounts.findByEmail(value) : await this.#core.accounts.findByPhone(value)
      if (owner) return owner.status ? owner : null
      // Otherwise the requested id belongs to another account. A 409 here would tell anyone
      // which ids exist (a known address answers 201): answer the same decoy, send nothing.
      return null
    }
  }

  #decoy(requestedId: string | null, ttl: number, phrase: string): TokenIssue {
    return { token: this.#core.tokens.decoy(requestedId ?? newId(), ttl), secret: '', phrase }
  }
}

interface AddressProof {
  field: 'email' | 'phone'
  value: string
}

const VERIFIED = { email: 'emailVerification', phone: 'phoneVerification' } as const

/** The address a sign-in token was sent to (email OTP, magic URL, phone OTP), or null. */
function provenAddress(token: TokenRecord): AddressProof | null {
  const rule = (TOKEN_KINDS as Record<string, TokenKindRule | undefined>)[token.kind]
  if (!rule?.signIn || !rule.address) return null
  const value = token.data[rule.address]
  return typeof value === 'string' ? { field: rule.address, value } : null
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
