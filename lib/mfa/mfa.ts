import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Core } from '../core/core.js'
import { SECURITY_EVENTS } from '../core/security-log.js'
import { AccountsError, invalidParam, missingParam } from '../errors.js'
import { newId } from '../secrets.js'
import type { AccountRecord, SessionRecord, TokenRecord } from '../store/store.js'
import * as v from '../validate.js'
import { FailureBudget } from './failure-budget.js'
import { SecretBox } from './secret-box.js'

export type MfaFactor = 'totp' | 'email' | 'phone' | 'recoveryCode'
const MFA_FACTORS: readonly MfaFactor[] = ['totp', 'email', 'phone', 'recoveryCode']

export interface MfaFactors {
  totp: boolean
  phone: boolean
  email: boolean
  recoveryCode: boolean
  custom: boolean
}

/** A challenge lives 15 min; "recent" (for protected routes) is 30 min after it succeeded. */
const CHALLENGE_TTL = 900 // seconds
const RECENT_CHALLENGE = 1800 // seconds
const STEP = 30 // seconds, TOTP period
const RECOVERY_CODES = 6

/**
 * Multi-factor authentication: a TOTP authenticator (otpauth: SHA-1, 6 digits, 30 s, ±1
 * step), email and phone codes, and single-use recovery codes. Secrets the server must read
 * back are sealed (`SecretBox`); codes it only checks are keyed hashes. Every wrong answer
 * spends the account's shared failure budget (`FailureBudget`).
 */
export class Mfa {
  readonly #core: Core
  readonly #box: SecretBox
  readonly budget: FailureBudget

  constructor(core: Core) {
    this.#core = core
    this.#box = new SecretBox(core.options.secret, 'mfa')
    this.budget = new FailureBudget(core.store)
  }

  factors(a: AccountRecord): MfaFactors {
    return {
      totp: a.totp?.verified === true,
      phone: Boolean(a.phone) && a.phoneVerification,
      email: Boolean(a.email) && a.emailVerification,
      recoveryCode: (a.recoveryCodes?.hashes.length ?? 0) > 0,
      custom: false,
    }
  }

  /** The gate: MFA on, a second factor exists, and the session proved fewer than two. */
  needsMoreFactors(a: AccountRecord, s: SessionRecord): boolean {
    if (!a.mfa) return false
    const f = this.factors(a)
    if (!f.totp && !f.email && !f.phone) return false
    return new Set(s.factors).size < 2
  }

  /** For protected routes: a challenge succeeded on this session within 30 min. */
  hasRecentChallenge(s: SessionRecord): boolean {
    return s.mfaUpdatedAt !== null && this.#core.options.clock.now() - s.mfaUpdatedAt <= RECENT_CHALLENGE * 1000
  }

  /** Turns MFA on or off. Turning it on credits the current session with the account's verified factors. */
  async setEnabled(account: AccountRecord, session: SessionRecord, enabled: unknown): Promise<AccountRecord> {
    if (enabled === undefined || enabled === null) throw missingParam('mfa')
    if (typeof enabled !== 'boolean') throw v.invalidBoolean('mfa')
    const updated = await this.#core.accounts.update(account.id, (a) => {
      a.mfa = enabled
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.mfaChanged)
    if (enabled) {
      const f = this.factors(updated)
      const extra = (['totp', 'email', 'phone'] as const).filter((k) => f[k])
      await this.#addFactors(session, extra, false)
    }
    return updated
  }

  // ── TOTP authenticator ─────────────────────────────────────────────────────

  /** A new (unverified) authenticator: the secret and its `otpauth://` URI, shown once. */
  async createAuthenticator(account: AccountRecord): Promise<{ secret: string; uri: string }> {
    if (account.totp?.verified) throw new AccountsError('user_authenticator_already_verified')
    const secret = new Secret({ size: 20 })
    let activated = false
    await this.#core.accounts.update(account.id, (a) => {
      // Re-checked inside the compare-and-set: an activation racing this request wins.
      activated = a.totp?.verified === true
      if (!activated) a.totp = { secret: this.#box.seal(secret.base32, a.id), verified: false, lastStep: 0 }
    })
    if (activated) throw new AccountsError('user_authenticator_already_verified')
    return { secret: secret.base32, uri: this.#totp(account, secret.base32).toString() }
  }

  /** Activates the authenticator with a first code; the session gains the `totp` factor. */
  async verifyAuthenticator(account: AccountRecord, session: SessionRecord, otp: unknown): Promise<AccountRecord> {
    const code = v.text('otp', otp)
    if (!account.totp) throw new AccountsError('user_authenticator_not_found')
    if (account.totp.verified) throw new AccountsError('user_authenticator_already_verified')
    await this.budget.check(account.id)
    const updated = await this.#useTotp(account, code, false)
    if (!updated) throw await this.budget.failed(account.id)
    await this.budget.succeeded(account.id)
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.mfaChanged)
    await this.#addFactors(session, ['totp'], false)
    return updated
  }

  async deleteAuthenticator(account: AccountRecord): Promise<void> {
    if (!account.totp) throw new AccountsError('user_authenticator_not_found')
    const updated = await this.#core.accounts.update(account.id, (a) => {
      a.totp = null
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.mfaChanged)
  }

  /**
   * An operator's reset (a lost device, or before rotating `options.secret`, which voids every
   * sealed TOTP secret and recovery code): removes the authenticator and the recovery codes
   * and turns MFA off, in one compare-and-set. Email / phone verification is left as it is.
   */
  async reset(accountId: string): Promise<AccountRecord> {
    const updated = await this.#core.accounts.update(accountId, (a) => {
      a.totp = null
      a.recoveryCodes = null
      a.mfa = false
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.mfaChanged)
    return updated
  }

  // ── recovery codes ─────────────────────────────────────────────────────────

  // A set whose codes have all been used counts as none (as in Appwrite): it can be created
  // afresh, and there is nothing to show or regenerate.
  async createRecoveryCodes(account: AccountRecord): Promise<string[]> {
    if (this.factors(account).recoveryCode) throw new AccountsError('user_recovery_codes_already_exists')
    return this.#writeRecoveryCodes(account.id)
  }

  async regenerateRecoveryCodes(account: AccountRecord): Promise<string[]> {
    if (!this.factors(account).recoveryCode) throw new AccountsError('user_recovery_codes_not_found')
    return this.#writeRecoveryCodes(account.id)
  }

  getRecoveryCodes(account: AccountRecord): string[] {
    const sealed = this.factors(account).recoveryCode ? account.recoveryCodes?.sealed : undefined
    const opened = sealed ? this.#box.open(sealed, account.id) : null
    if (!opened) throw new AccountsError('user_recovery_codes_not_found')
    return JSON.parse(opened) as string[]
  }

  // ── challenges ─────────────────────────────────────────────────────────────

  async createChallenge(account: AccountRecord, requested: unknown): Promise<TokenRecord> {
    if (requested === undefined) v.requireString('factor', requested)
    // node-appwrite's `AuthenticationFactor.Recoverycode` sends 'recoverycode'.
    const factor = requested === 'recoverycode' ? 'recoveryCode' : requested
    // Appwrite's `custom` factor is off unless a project enables it; there is no way to here.
    if (factor === 'custom') throw new AccountsError('user_auth_method_unsupported', 'The custom MFA factor is not supported.')
    if (!MFA_FACTORS.includes(factor as MfaFactor)) throw invalidParam('factor', `Value must be one of (${MFA_FACTORS.join(', ')})`)
    const f = factor as MfaFactor
    const id = newId()
    const common = { id, ttl: CHALLENGE_TTL, data: { factor: f } }
    if (f === 'email' || f === 'phone') {
      if (f === 'email') this.#core.messenger.requireMailer()
      else this.#core.messenger.requireSms()
      const to = f === 'email' ? account.email : account.phone
      if (!to) throw new AccountsError(f === 'email' ? 'user_email_not_found' : 'user_phone_not_found')
      if (!(f === 'email' ? account.emailVerification : account.phoneVerification)) {
        throw new AccountsError(f === 'email' ? 'user_email_not_verified' : 'user_phone_not_verified')
      }
      const { token, secret } = await this.#core.tokens.issue(account.id, 'mfa-challenge', { ...common, format: 'code' })
      const delivery = { to, name: account.name, code: secret, expiresIn: CHALLENGE_TTL }
      if (f === 'email') this.#core.messenger.email('mfa-challenge', delivery)
      else this.#core.messenger.sms('mfa-challenge', delivery)
      return token
    }
    if (f === 'totp' && !account.totp?.verified) throw new AccountsError('user_authenticator_not_found')
    if (f === 'recoveryCode' && !account.recoveryCodes?.hashes.length) throw new AccountsError('user_recovery_codes_not_found')
    // Answered with the authenticator or a recovery code; the token's own secret is derived
    // from its id so a correct answer can consume it atomically (see `verifyChallenge`). The
    // answer is a guessable 6-digit TOTP, not that secret: wrong answers count as for a code.
    const { token } = await this.#core.tokens.issue(account.id, 'mfa-challenge', {
      ...common,
      format: 'secret',
      secret: challengeSecret(id),
      maxFailures: this.#core.options.maxTokenFailures,
    })
    return token
  }

  /**
   * Completes a challenge: the session gains the factor and `mfaUpdatedAt` = now. A wrong
   * answer → `401 user_invalid_token`, counted against the challenge (dies after 5) and the
   * account's budget (10 in a row → 15 min of `429`).
   */
  async verifyChallenge(account: AccountRecord, session: SessionRecord, input: { challengeId: unknown; otp: unknown }): Promise<SessionRecord> {
    const challengeId = v.text('challengeId', input.challengeId)
    const otp = v.text('otp', input.otp)
    await this.budget.check(account.id)
    const kinds = ['mfa-challenge'] as const
    let factor: MfaFactor | null = null
    const asTotp = account.totp?.verified ? this.#totpStep(account, otp) : null
    const asRecovery = this.#recoveryHash(account, otp)
    if (asTotp !== null || asRecovery !== null) {
      // Only consumes a totp/recoveryCode challenge (its secret is derived from its id).
      const token = await this.#core.tokens.redeem(account.id, kinds, challengeSecret(challengeId), challengeId)
      const wanted = token?.data.factor
      if (wanted === 'totp' && asTotp !== null && (await this.#useTotp(account, otp, true))) factor = 'totp'
      if (wanted === 'recoveryCode' && asRecovery !== null && (await this.#spendRecoveryCode(account.id, asRecovery))) factor = 'recoveryCode'
    } else {
      const token = await this.#core.tokens.redeem(account.id, kinds, otp, challengeId)
      const wanted = token?.data.factor
      if (wanted === 'email' || wanted === 'phone') factor = wanted
    }
    if (!factor) throw await this.budget.failed(account.id)
    await this.budget.succeeded(account.id)
    return this.#addFactors(session, [factor], true)
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #totp(account: AccountRecord, base32: string): TOTP {
    const label = account.email || account.phone || account.id
    return new TOTP({ issuer: this.#core.options.projectName, label, algorithm: 'SHA1', digits: 6, period: STEP, secret: Secret.fromBase32(base32) })
  }

  /** The 30-second step `otp` is valid for (±1 step), or null. */
  #totpStep(account: AccountRecord, otp: string): number | null {
    const sealed = account.totp?.secret
    const base32 = sealed ? this.#box.open(sealed, account.id) : null
    if (!base32 || !/^\d{6}$/.test(otp)) return null
    const now = this.#core.options.clock.now()
    const delta = this.#totp(account, base32).validate({ token: otp, timestamp: now, window: 1 })
    return delta === null ? null : Math.floor(now / 1000 / STEP) + delta
  }

  /**
   * Accepts a TOTP code at most once: its step must be later than the last accepted one,
   * and that is recorded with compare-and-set, so a replay — even a concurrent one — fails.
   */
  async #useTotp(account: AccountRecord, otp: string, mustBeVerified: boolean): Promise<AccountRecord | null> {
    const step = this.#totpStep(account, otp)
    if (step === null) return null
    let accepted = false
    const updated = await this.#core.accounts.update(account.id, (a) => {
      accepted = false
      if (!a.totp || (mustBeVerified && !a.totp.verified) || step <= a.totp.lastStep) return
      a.totp = { ...a.totp, lastStep: step, verified: true }
      accepted = true
    })
    return accepted ? updated : null
  }

  #recoveryHash(account: AccountRecord, otp: string): string | null {
    const hashes = account.recoveryCodes?.hashes ?? []
    const hash = this.#core.tokens.hash(`recovery-code:${otp.trim().toLowerCase()}`)
    return hashes.includes(hash) ? hash : null
  }

  /** Removes a used recovery code (compare-and-set: a code is spent once). */
  async #spendRecoveryCode(accountId: string, hash: string): Promise<boolean> {
    let spent = false
    await this.#core.accounts.update(accountId, (a) => {
      spent = false
      const codes = a.recoveryCodes
      if (!codes || !codes.hashes.includes(hash)) return
      const plain = (JSON.parse(this.#box.open(codes.sealed, a.id) ?? '[]') as string[]).filter((c) => this.#core.tokens.hash(`recovery-code:${c}`) !== hash)
      a.recoveryCodes = { hashes: codes.hashes.filter((h) => h !== hash), sealed: this.#box.seal(JSON.stringify(plain), a.id) }
      spent = true
    })
    return spent
  }

  async #writeRecoveryCodes(accountId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, () => randomBytes(5).toString('hex'))
    const updated = await this.#core.accounts.update(accountId, (a) => {
      a.recoveryCodes = { hashes: codes.map((c) => this.#core.tokens.hash(`recovery-code:${c}`)), sealed: this.#box.seal(JSON.stringify(codes), a.id) }
    })
    await this.#core.securityLog.record(updated, SECURITY_EVENTS.mfaChanged)
    return codes
  }

  async #addFactors(session: SessionRecord, factors: string[], challenged: boolean): Promise<SessionRecord> {
    const now = this.#core.options.clock.now()
    const next: SessionRecord = {
      ...session,
      factors: [...new Set([...session.factors, ...factors])],
      mfaUpdatedAt: challenged ? now : session.mfaUpdatedAt,
      updatedAt: now,
    }
    if (!(await this.#core.store.replaceSession(next, Math.max(1, next.expiresAt - now)))) throw new AccountsError('user_session_not_found')
    return next
  }
}

/** The secret of a totp / recovery-code challenge: not secret, just unguessable without its id. */
function challengeSecret(challengeId: string): string {
  return `mfa-challenge:${challengeId}`
}
