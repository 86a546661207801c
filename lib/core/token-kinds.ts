import type { TokenLifetimes } from '../options.js'

/** What each flow's token is called in the store. */
export type TokenKind =
  | 'email-otp'
  | 'magic-url'
  | 'phone-otp'
  | 'server'
  | 'recovery'
  | 'email-verification'
  | 'phone-verification'
  | 'oauth2'
  | 'mfa-challenge'

/** The session a sign-in token makes (wire reference §2.4). */
export interface SessionShape {
  provider: string
  factors: string[]
}

/** Everything a token kind means, in one place. */
export interface TokenKindRule {
  /**
   * `code`: 6 digits people type; `secret`: 256 bits (64 hex) carried in a link or handed to
   * server code. MFA challenges are issued as either (see `Mfa`), so theirs is the code form.
   */
  format: 'code' | 'secret'
  /** The `tokenLifetimes` option giving its lifetime; null when the issuer passes one (server tokens, MFA challenges). */
  lifetime: keyof TokenLifetimes | null
  /**
   * The account address the token was sent to: changing that address (or a takeover by proof
   * of the other one) voids it, so a code or link in an old inbox stops working.
   */
  address: 'email' | 'phone' | null
  /**
   * Wrong secrets count against it (it dies at `maxTokenFailures`). Only codes: no guess
   * against 256 bits can succeed, and counting strangers' misses would let them void a link.
   */
  countsFailures: boolean
  /** The session it signs in to through `POST /account/sessions/token`; null when it is no sign-in token. OAuth2's comes from the token's own data. */
  signIn: SessionShape | 'from-token' | null
}

export const TOKEN_KINDS: Readonly<Record<TokenKind, TokenKindRule>> = {
  'email-otp': { format: 'code', lifetime: 'emailOtp', address: 'email', countsFailures: true, signIn: { provider: 'token', factors: ['email'] } },
  'magic-url': { format: 'secret', lifetime: 'magicUrl', address: 'email', countsFailures: false, signIn: { provider: 'magic-url', factors: ['email'] } },
  'phone-otp': { format: 'code', lifetime: 'phoneOtp', address: 'phone', countsFailures: true, signIn: { provider: 'phone', factors: ['phone'] } },
  server: { format: 'secret', lifetime: null, address: null, countsFailures: false, signIn: { provider: 'token', factors: ['token'] } },
  oauth2: { format: 'secret', lifetime: 'oauth2', address: null, countsFailures: false, signIn: 'from-token' },
  recovery: { format: 'secret', lifetime: 'recovery', address: 'email', countsFailures: false, signIn: null },
  'email-verification': { format: 'secret', lifetime: 'emailVerification', address: 'email', countsFailures: false, signIn: null },
  'phone-verification': { format: 'code', lifetime: 'phoneVerification', address: 'phone', countsFailures: true, signIn: null },
  'mfa-challenge': { format: 'code', lifetime: null, address: null, countsFailures: true, signIn: null },
}

const ALL_KINDS = Object.keys(TOKEN_KINDS) as TokenKind[]

/** Tokens `POST /account/sessions/token` (and its magic-url / phone twins) turn into sessions. */
export const SIGN_IN_KINDS: readonly TokenKind[] = ALL_KINDS.filter((k) => TOKEN_KINDS[k].signIn !== null)

/** The kinds bound to an address: an address change voids them. */
export function kindsBoundTo(field: 'email' | 'phone'): TokenKind[] {
  return ALL_KINDS.filter((k) => TOKEN_KINDS[k].address === field)
}

/** The session a sign-in token of `kind` makes; the server shape for a kind that names none. */
export function sessionShape(kind: string): SessionShape {
  const shape = (TOKEN_KINDS as Record<string, TokenKindRule | undefined>)[kind]?.signIn
  return shape && shape !== 'from-token' ? shape : (TOKEN_KINDS.server.signIn as SessionShape)
}
