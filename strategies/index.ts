/** Passport strategies for express-accounts (`express-accounts/strategies`); they arrive in a later release. */
export {}
