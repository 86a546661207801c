/**
 * The phase option of the code and link strategies (`EmailOtpStrategy`, `PhoneOtpStrategy`,
 * `MagicLinkStrategy`): `passport.authenticate(name, { action })`.
 */
/** The two phases of a code or link strategy: send it, then trade it for a session. */
export type StrategyAction = 'request' | 'verify'

/** What `passport.authenticate('email-otp' | 'phone-otp' | 'magic-link', options)` reads. */
export interface PhaseAuthenticateOptions {
  /** `'request'` sends the code or link, `'verify'` signs in with it. Default: inferred from the request. */
  action?: StrategyAction | undefined
}

declare module 'passport' {
  // So `passport.authenticate('email-otp', { action: 'request' })` type-checks.
  interface AuthenticateOptions {
    /** express-accounts' code and link strategies: `'request'` sends, `'verify'` signs in. */
    action?: StrategyAction
  }
}

/** The phase `options.action` names, undefined to infer it, or a TypeError for a bad value. */
export function actionOf(strategy: string, options: unknown): StrategyAction | undefined | TypeError {
  const action = options && typeof options === 'object' ? (options as PhaseAuthenticateOptions).action : undefined
  if (action === undefined || action === 'request' || action === 'verify') return action
  return new TypeError(`${strategy}: authenticate option action must be 'request' or 'verify'`)
}
