/**
 * Compile-only type test, checked by `npm run typecheck` (tsconfig includes test/). Never run:
 * mocha only picks up `*.test.ts`. Every `@ts-expect-error` line must fail to compile — if a
 * change makes it compile, tsc reports the unused directive.
 */
import type { Request } from 'express'
import passport from 'passport'
import {
  AnonymousStrategy, EmailOtpStrategy, JwtStrategy, MagicLinkStrategy, PasswordStrategy, PhoneOtpStrategy,
  type AccountsFailure, type AccountsStrategyOptions, type AnonymousStrategyOptions, type EmailOtpStrategyOptions,
  type JwtStrategyOptions, type MagicLinkStrategyOptions, type PasswordStrategyOptions, type PhaseAuthenticateOptions,
  type PhoneOtpStrategyOptions, type StrategyAction, type VerifyAccount,
} from '../../strategies/index.js'
import {
  createAccounts, type AccountModel, type AccountsOptions, type ExpressAccounts, type RequireSessionOptions, type SessionModel,
} from '../../lib/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function expectType<T extends true>(_proof?: T): void {}

const accountsOptions: AccountsOptions = { project: 'demo', allowedRedirectOrigins: ['https://app.example.com'] }
const accounts: ExpressAccounts = createAccounts(accountsOptions)
const staffOnly: VerifyAccount = (account) => account.labels.includes('staff')
const asyncVerify: VerifyAccount = async (_account, req) => req.ip !== undefined

// ── the right options compile ───────────────────────────────────────────────
const base: AccountsStrategyOptions = { accounts, verify: staffOnly }
const password: PasswordStrategyOptions = { ...base, emailField: 'login', passwordField: 'pw' }
const magic: MagicLinkStrategyOptions = { accounts, url: 'https://app.example.com/magic', emailField: 'e', userIdField: 'u', secretField: 's' }
const emailOtp: EmailOtpStrategyOptions = { accounts, emailField: 'e', userIdField: 'u', codeField: 'c', verify: asyncVerify }
const phoneOtp: PhoneOtpStrategyOptions = { accounts, phoneField: 'p', userIdField: 'u', codeField: 'c' }
const anonymous: AnonymousStrategyOptions = { accounts }
const jwt: JwtStrategyOptions = { accounts, verify: staffOnly }
passport.use(new PasswordStrategy(password))
passport.use(new MagicLinkStrategy(magic))
passport.use(new EmailOtpStrategy(emailOtp))
passport.use(new PhoneOtpStrategy(phoneOtp))
passport.use(new AnonymousStrategy(anonymous))
passport.use(new JwtStrategy(jwt))
expectType<Equal<PasswordStrategy['name'], 'password'>>()
expectType<Equal<JwtStrategy['name'], 'jwt'>>()

// The two-phase strategies' `action` is a passport.authenticate option.
passport.authenticate('email-otp', { action: 'request' })
passport.authenticate('magic-link', { action: 'verify', failureRedirect: '/sign-in' })
const phase: PhaseAuthenticateOptions = { action: 'request' }
expectType<Equal<StrategyAction, 'request' | 'verify'>>()
// @ts-expect-error an action that does not exist
passport.authenticate('phone-otp', { action: 'send' })
void phase

// ── wrong options do not ───────────────────────────────────────────────────
// @ts-expect-error accounts is required
new PasswordStrategy({})
// @ts-expect-error accounts must be the object createAccounts() returned
new AnonymousStrategy({ accounts: {} })
// @ts-expect-error a field name is a string
new PasswordStrategy({ accounts, emailField: 1 })
// @ts-expect-error url is a string
new MagicLinkStrategy({ accounts, url: new URL('https://app.example.com/magic') })
// @ts-expect-error codeField, not otpField
new EmailOtpStrategy({ accounts, otpField: 'otp' })
// @ts-expect-error PhoneOtpStrategy has no emailField
new PhoneOtpStrategy({ accounts, emailField: 'email' })
// @ts-expect-error verify gets an AccountModel, not a string
new JwtStrategy({ accounts, verify: (id: string) => id === 'admin' })
// @ts-expect-error verify answers a boolean
new AnonymousStrategy({ accounts, verify: () => 'yes' })

// ── Express.Request carries the typed account and session ───────────────────
function handler(req: Request): void {
  expectType<Equal<typeof req.account, AccountModel | undefined>>()
  expectType<Equal<typeof req.accountSession, SessionModel | undefined>>()
  if (req.account) {
    const email: string = req.account.email
    void email
    // @ts-expect-error the public model never carries the password hash
    void req.account.passwordHash
  }
}

// Failures carry Appwrite's type; other option types come from the core's barrel.
const fail: AccountsFailure = { message: 'Invalid token passed in the request.', type: 'user_invalid_token' }
const guard: RequireSessionOptions = { redirectTo: '/sign-in' }
void [handler, fail, guard]
