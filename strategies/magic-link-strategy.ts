import type { Request } from 'express'
import { AccountsError } from '../lib/errors.js'
import { checkRedirectUrl } from '../lib/redirect-url.js'
import { AccountsStrategy, checkFieldName, clientOf, field, missing, type AccountsStrategyOptions } from './accounts-strategy.js'
import { actionOf, type PhaseAuthenticateOptions } from './phases.js'

export interface MagicLinkStrategyOptions extends AccountsStrategyOptions {
  /**
   * The page the mailed link points at (it gets `userId`, `secret`, `expire` and `project`
   * appended). Must be on `allowedRedirectOrigins` or a loopback host. Default: the
   * `magicUrl` option of `createAccounts()`; one of the two is required.
   */
  url?: string | undefined
  /** Body (or query) field holding the email, request phase. Default `'email'`. */
  emailField?: string | undefined
  /** Body (or query) field holding the account id, verify phase. Default `'userId'`. */
  userIdField?: string | undefined
  /** Body (or query) field holding the link's secret, verify phase. Default `'secret'`. */
  secretField?: string | undefined
}

/**
 * `'magic-link'`: a sign-in link by email, through the same core as
 * `POST /account/tokens/magic-url` and `PUT /account/sessions/magic-url`.
 *
 * - request (`action: 'request'`, or no `userId` + `secret` in the request): mails the link,
 *   then `pass()`es so your next handler answers ("check your inbox").
 * - verify (`action: 'verify'`, or both present): consumes `userId` + `secret` from the body
 *   or the query string, so the link's own GET works. A used, expired or wrong secret fails
 *   `401 user_invalid_token`.
 */
export class MagicLinkStrategy extends AccountsStrategy {
  override readonly name = 'magic-link'
  private readonly url: string
  private readonly emailField: string
  private readonly userIdField: string
  private readonly secretField: string

  constructor(options: MagicLinkStrategyOptions) {
    super(options, 'MagicLinkStrategy')
    this.url = landingUrl(options)
    this.emailField = checkFieldName('MagicLinkStrategy', 'emailField', options.emailField) ?? 'email'
    this.userIdField = checkFieldName('MagicLinkStrategy', 'userIdField', options.userIdField) ?? 'userId'
    this.secretField = checkFieldName('MagicLinkStrategy', 'secretField', options.secretField) ?? 'secret'
  }

  override authenticate(req: Request, options?: PhaseAuthenticateOptions): void {
    const action = actionOf('MagicLinkStrategy', options)
    if (action instanceof TypeError) return this.error(action)
    const userId = field(req, this.userIdField)
    const secret = field(req, this.secretField)
    if ((action ?? (userId !== undefined && secret !== undefined ? 'verify' : 'request')) === 'verify') {
      return this.settle(req, async () => {
        if (userId === undefined || secret === undefined) {
          return missing(...[userId === undefined ? this.userIdField : '', secret === undefined ? this.secretField : ''].filter(Boolean))
        }
        return this.limited('PUT /account/sessions/magic-url', req, { userId }, async () => ({
          kind: 'success',
          signIn: await this.accounts.passwordless.signInWithToken({ userId, secret }, clientOf(req)),
        }))
      })
    }
    const email = field(req, this.emailField)
    // No mailer is a server misconfiguration, not a wrong credential: `error` (see EmailOtpStrategy).
    if (email !== undefined && !this.accounts.options.mailer) return this.error(new AccountsError('general_smtp_disabled'))
    this.settle(req, async () => {
      if (email === undefined) return missing(this.emailField)
      return this.limited('POST /account/tokens/magic-url', req, { email }, async () => {
        await this.accounts.passwordless.sendMagicUrl({ userId: 'unique()', email, url: this.url })
        return { kind: 'pass' }
      })
    })
  }
}

/** Checked once here, with the rule every request applies, so a typo fails at boot, not per request. */
function landingUrl(options: MagicLinkStrategyOptions): string {
  const { allowedRedirectOrigins, magicUrl } = options.accounts.options
  const url = options.url ?? magicUrl
  const name = options.url === undefined ? 'createAccounts({ magicUrl })' : 'options.url'
  if (url === null) throw new TypeError('MagicLinkStrategy: options.url is required (or set createAccounts({ magicUrl }))')
  try {
    return checkRedirectUrl('url', url, allowedRedirectOrigins).href
  } catch (err) {
    if (!(err instanceof AccountsError)) throw err
    throw new TypeError(`MagicLinkStrategy: ${name} must be an absolute http(s) URL on allowedRedirectOrigins or a loopback host (${err.message})`)
  }
}
