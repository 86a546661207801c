import type { Request } from 'express'
import { AccountsError, type AccountsErrorType } from '../lib/errors.js'
import { AccountsStrategy, clientOf, failure, field, missing, type AccountsStrategyOptions, type Outcome } from './accounts-strategy.js'
import { actionOf, type PhaseAuthenticateOptions } from './phases.js'

/** What distinguishes the email-code and the SMS-code strategy. */
export interface OtpChannel {
  /** Constructor name, for messages. */
  strategy: string
  /** The router routes whose limits the two phases share. */
  requestRoute: 'POST /account/tokens/email' | 'POST /account/tokens/phone'
  verifyRoute: 'POST /account/sessions/token' | 'PUT /account/sessions/phone'
  /** The parameter the request phase's limits key the address on. */
  addressParam: 'email' | 'phone'
  /** Request field holding the address. */
  addressField: string
  userIdField: string
  codeField: string
  /** Whether the delivery adapter is configured. */
  canSend(): boolean
  /** The 503 to raise when it is not. */
  disabled: AccountsErrorType
  /** Issues and sends a code (the core decides about unknown and blocked addresses). */
  send(address: string): Promise<unknown>
  /** The account owning the address (validated and normalised), or undefined. */
  accountIdFor(address: string): Promise<string | undefined>
}

/**
 * The two phases shared by `EmailOtpStrategy` and `PhoneOtpStrategy`:
 * - request (`action: 'request'`, or no code in the request): sends a code, then `pass()`es
 *   so your next handler answers ("check your inbox"). Unknown addresses get an account
 *   (`passwordlessSignUp`); blocked ones get nothing; the answer is the same.
 * - verify (`action: 'verify'`, or a code present): the code plus `userId` or the address.
 *   An unknown address fails exactly like a wrong code, `401 user_invalid_token`.
 */
export abstract class OtpStrategy extends AccountsStrategy {
  protected abstract readonly channel: OtpChannel

  constructor(options: AccountsStrategyOptions, strategyName: string) {
    super(options, strategyName)
  }

  override authenticate(req: Request, options?: PhaseAuthenticateOptions): void {
    const c = this.channel
    const action = actionOf(c.strategy, options)
    if (action instanceof TypeError) return this.error(action)
    const address = field(req, c.addressField)
    const code = field(req, c.codeField)
    if ((action ?? (code === undefined ? 'request' : 'verify')) === 'verify') {
      return this.settle(req, () => this.verifyCode(req, code, field(req, c.userIdField), address))
    }
    // No delivery adapter is a server misconfiguration, not a wrong credential: `error`, so
    // the app's error handler renders 503 and failureRedirect / failureFlash never blame the user.
    if (address !== undefined && !c.canSend()) return this.error(new AccountsError(c.disabled))
    this.settle(req, async () => {
      if (address === undefined) return missing(c.addressField)
      return this.limited(c.requestRoute, req, { [c.addressParam]: address }, async () => {
        await c.send(address)
        return { kind: 'pass' }
      })
    })
  }

  private async verifyCode(req: Request, code: string | undefined, userId: string | undefined, address: string | undefined): Promise<Outcome> {
    const c = this.channel
    if (code === undefined || (userId === undefined && address === undefined)) {
      const fields = [code === undefined ? c.codeField : '', userId === undefined && address === undefined ? `${c.userIdField} or ${c.addressField}` : '']
      return missing(...fields.filter(Boolean))
    }
    const accountId = userId ?? (await c.accountIdFor(address!))
    return this.limited(c.verifyRoute, req, { userId: accountId ?? '' }, async () => {
      // An unknown address fails like a wrong code, and counts like one.
      if (accountId === undefined) return { kind: 'fail', status: 401, info: failure(new AccountsError('user_invalid_token')) }
      const signIn = await this.accounts.passwordless.signInWithToken({ userId: accountId, secret: code }, clientOf(req))
      return { kind: 'success', signIn }
    })
  }
}
