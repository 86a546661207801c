import type { AccountRecord } from '../store/store.js'

/** What a before-hook is told. Records are copies: changing them changes nothing. */
export interface BeforeHookEvents {
  /** A new account (any way: sign-up, anonymous, passwordless, OAuth2, server code), before it is stored. */
  beforeCreateAccount: { account: AccountRecord; provider: string }
  /**
   * An existing account proved who it is (password, OTP, magic URL, OAuth2, server sign-in),
   * before its session is created. Not for anonymous sessions, which prove nothing.
   */
  beforeSignIn: { account: AccountRecord; provider: string }
  /** Any session about to be created (anonymous and sign-ups included), after `beforeSignIn`. */
  beforeSessionCreate: { account: AccountRecord; provider: string }
  /** The email about to change (the password, when one is needed, has been checked). */
  beforeUpdateEmail: { account: AccountRecord; email: string }
  /**
   * A new password about to be set: password change, recovery, or the first password of a
   * password-less account (`updateEmail` / `updatePhone`). Never given the password.
   */
  beforePasswordChange: { account: AccountRecord; reason: 'update' | 'recovery' | 'first-password' }
}

/** The name of a before-hook, a key of {@link BeforeHooks}. */
export type BeforeHookName = keyof BeforeHookEvents

/**
 * Hooks that run before a write, after the input was validated, and may veto it by throwing.
 * An `AccountsError` reaches the client as it is (its type and status, through the router and
 * the strategies alike); anything else is a bug: a `500` that is logged. Either way nothing of
 * the vetoed change is stored.
 */
export type BeforeHooks = { [K in BeforeHookName]?: (event: BeforeHookEvents[K]) => void | Promise<void> }

const NAMES: readonly BeforeHookName[] = ['beforeCreateAccount', 'beforeSignIn', 'beforeSessionCreate', 'beforeUpdateEmail', 'beforePasswordChange']

/** Checks the option (a `TypeError` naming the bad hook); returns a copy. */
export function resolveHooks(hooks: BeforeHooks | undefined): Readonly<BeforeHooks> {
  if (hooks === undefined) return Object.freeze({})
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) throw new TypeError('options.hooks must be an object of before-hooks')
  const out: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(hooks)) {
    if (!NAMES.includes(name as BeforeHookName)) throw new TypeError(`options.hooks.${name} is not a hook (${NAMES.join(', ')})`)
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`options.hooks.${name} must be a function`)
    if (fn !== undefined) out[name] = fn
  }
  return Object.freeze(out) as Readonly<BeforeHooks>
}

/** Runs the hook when one is set, with a copy of the event so it cannot change the record. */
export async function runBeforeHook<K extends BeforeHookName>(hooks: Readonly<BeforeHooks>, name: K, event: BeforeHookEvents[K]): Promise<void> {
  const hook = hooks[name] as ((e: BeforeHookEvents[K]) => void | Promise<void>) | undefined
  if (hook) await hook(structuredClone(event))
}
