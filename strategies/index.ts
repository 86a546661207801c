/** Passport strategies for express-accounts (`express-accounts/strategies`). */
export { AccountsStrategy, type AccountsStrategyOptions, type AccountsFailure, type VerifyAccount } from './accounts-strategy.js'
export { PasswordStrategy, type PasswordStrategyOptions } from './password-strategy.js'
export { MagicLinkStrategy, type MagicLinkStrategyOptions } from './magic-link-strategy.js'
export { EmailOtpStrategy, type EmailOtpStrategyOptions, type PhaseAuthenticateOptions, type StrategyAction } from './email-otp-strategy.js'
export { PhoneOtpStrategy, type PhoneOtpStrategyOptions } from './phone-otp-strategy.js'
export { AnonymousStrategy, type AnonymousStrategyOptions } from './anonymous-strategy.js'
export { JwtStrategy, type JwtStrategyOptions } from './jwt-strategy.js'
export { OAuth2Strategy, type OAuth2StrategyOptions } from './oauth2-strategy.js'
