import { runBeforeHook } from './core/before-hooks.js'
import type { Core } from './core/core.js'
import { assertNewPassword, setPasswordHash } from './core/new-password.js'
import { SECURITY_EVENTS } from './core/security-log.js'
import { kindsBoundTo } from './core/token-kinds.js'
import { AccountsError } from './errors.js'
import { formatDate } from './models.js'
import type { TokenIssue } from './core/tokens.js'
import { checkRedirectUrl, withParams } from './redirect-url.js'
import type { TokenRecord } from './store/store.js'
import { newId } from './secrets.js'
import * as v from './validate.js'

/** Password recovery: mail a link, then set a new password with its secret. */
export class Recovery {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  /**
   * Mails `url?userId&secret&expire` to a known, active account. Any other email gets the
   * same 201 answer and no mail (no account enumeration; Appwrite answers 404 there).
   */
  async request(input: { email: unknown; url: unknown }): Promise<TokenIssue> {
    const email = v.email('email', input.email)
    const { options } = this.#core
    const url = checkRedirectUrl('url', input.url, options.allowedRedirectOrigins)
    this.#core.messenger.requireMailer()
    const ttl = options.tokenLifetimes.recovery
    const account = await this.#core.accounts.findByEmail(email)
    if (!account || !account.status) return { token: this.#core.tokens.decoy(newId(), ttl), secret: '', phrase: '' }
    const { token, secret } = await this.#core.tokens.issue(account.id, 'recovery', { ttl, data: { email } })
    const link = withParams(url, { userId: account.id, secret, expire: formatDate(token.expiresAt) })
    this.#core.messenger.email('recovery', { to: email, name: account.name, link, expiresIn: ttl })
    return { token, secret, phrase: '' }
  }

  /**
   * Sets the new password and signs the account out everywhere except `keepSessionId` (the
   * caller's own session, when it belongs to the same account). Proving control of the
   * mailbox also verifies the email, as in Appwrite.
   *
   * When the email was unverified, this is its first proof (see `Passwordless`): refused
   * (`401 user_invalid_token`, nothing changes) if the phone is proven, since someone proved
   * more than this link does; otherwise linked identities and the unproven phone go too.
   * Second factors (TOTP, recovery codes, the MFA switch) always stay: a second factor is
   * never removed by proof of the first. Decided inside the compare-and-set on the fresh record.
   */
  async complete(input: { userId: unknown; secret: unknown; password: unknown }, keepSessionId?: string): Promise<TokenRecord> {
    const userId = v.text('userId', input.userId, 36)
    const secret = v.text('secret', input.secret)
    const password = v.password('password', input.password)
    // Hash before consuming: a failure here must not burn the user's only link.
    const hash = await this.#core.passwords.hash(password)
    const token = await this.#core.tokens.redeem(userId, ['recovery'], secret)
    if (!token) throw new AccountsError('user_invalid_token')
    const now = this.#core.options.clock.now()
    // The policy and the hook only after the secret proved who asks: before it, the answers
    // `password_personal_data` / `password_recently_used` would let anyone test guesses
    // about an account's data and old passwords. A refusal puts the link back as it was.
    try {
      const owner = await this.#core.accounts.get(userId)
      if (!owner) throw new AccountsError('user_invalid_token')
      await assertNewPassword(this.#core, this.#core.passwords, password, owner)
      await runBeforeHook(this.#core.options.hooks, 'beforePasswordChange', { account: owner, reason: 'recovery' })
    } catch (err) {
      if (token.expiresAt > now) await this.#core.store.putToken(token, token.expiresAt - now)
      throw err
    }
    let firstProof = false
    try {
      await this.#core.accounts.update(userId, (a) => {
        // A link mailed to an address the account no longer has is void.
        if (a.email !== token.data.email) throw new AccountsError('user_invalid_token')
        firstProof = !a.emailVerification
        if (firstProof && a.phone !== '' && a.phoneVerification) {
          throw new AccountsError(
            'user_invalid_token',
            'The email of this account is not verified but its phone is: sign in with the phone and verify the email first, then reset the password.',
          )
        }
        setPasswordHash(this.#core, a, hash, now)
        a.emailVerification = true
        if (firstProof) {
          a.phone = ''
          a.phoneVerification = false
        }
      })
    } catch (err) {
      if (err instanceof AccountsError && err.type === 'user_not_found') throw new AccountsError('user_invalid_token')
      throw err
    }
    if (firstProof) {
      for (const identity of await this.#core.store.listIdentities(userId)) await this.#core.store.deleteIdentity(userId, identity.id)
      // Tokens the previous holder may still have: an OAuth2 sign-in token from their provider
      // login, a code sent to the phone just removed.
      await this.#core.store.deleteTokens(userId, ['oauth2', ...kindsBoundTo('phone')])
    }
    await this.#core.securityLog.record(userId, SECURITY_EVENTS.recoveryCompleted)
    await this.#core.sessions.deleteAll(userId, keepSessionId)
    return token
  }
}
