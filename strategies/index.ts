/** Passport strategies for express-accounts (`express-accounts/strategies`). */
export { AccountsStrategy, type AccountsStrategyOptions, type AccountsFailure, type VerifyAccount } from './accounts-strategy.js'
export { PasswordStrategy, type PasswordStrategyOptions } from './password-strategy.js'
