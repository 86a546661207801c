import { randomBytes } from 'node:crypto'
import type { Store } from '../store/store.js'

/** Everything an OAuth2 round trip must remember between the redirect and the callback. */
export interface OAuth2Context {
  provider: string
  /** `session`: set the cookie and go to `success`; `token`: go to `success?userId&secret`; `strategy`: passport. */
  mode: 'session' | 'token' | 'strategy'
  success: string
  failure: string
  /** The signed-in account that started the flow: the identity is attached to it. */
  linkAccountId: string | null
  /**
   * SHA-256 of a nonce the starting browser holds (cookie, or express-session for
   * OAuth2Strategy). The callback must come from that browser, so nobody can complete their
   * own flow in someone else's browser (login CSRF) or have a victim's provider account
   * linked to theirs. Null only for guest token flows, which a server starts for a browser.
   */
  binding: string | null
}

interface Saved {
  verifier: string
  context: OAuth2Context
}

/** How long a user may take at the provider, seconds. */
export const STATE_TTL = 600

type StoreCallback = (err: Error | null, state?: string) => void
type VerifyCallback = (err: Error | null, verifier: string | false, context?: OAuth2Context | { message: string }) => void

/**
 * passport-oauth2 state store kept in the express-accounts Store instead of
 * express-session, so it works across processes and without cookies. The `state` sent to
 * the provider is `<handle>.<failure URL>`: the handle (192 random bits) names a
 * single-use record holding the PKCE verifier and the context (taken with GETDEL, so a
 * replayed callback finds nothing); the failure URL rides along only so that a mismatched
 * or replayed state can still be sent back to the app's failure page (it is re-checked
 * against the allowed origins before use).
 *
 * passport-oauth2 picks the call shape by arity: `store` must take 5 parameters and
 * `verify` 4.
 */
export class OAuth2StateStore {
  readonly #store: Store
  readonly #provider: string

  constructor(store: Store, provider: string) {
    this.#store = store
    this.#provider = provider
  }

  store(_req: unknown, verifier: string, context: OAuth2Context, _meta: unknown, callback: StoreCallback): void {
    const handle = randomBytes(24).toString('base64url')
    const saved: Saved = { verifier, context }
    this.#store.putOnce(`oauth2:${handle}`, JSON.stringify(saved), STATE_TTL * 1000).then(
      () => callback(null, `${handle}.${Buffer.from(context.failure).toString('base64url')}`),
      (err: Error) => callback(err),
    )
  }

  verify(_req: unknown, providedState: unknown, _meta: unknown, callback: VerifyCallback): void {
    const handle = handleOf(providedState)
    if (!handle) return callback(null, false, { message: 'Missing or malformed OAuth2 state.' })
    this.#store.takeOnce(`oauth2:${handle}`).then((raw) => {
      const saved = raw ? (JSON.parse(raw) as Saved) : null
      // A state minted for another provider must not complete this one.
      if (!saved || saved.context.provider !== this.#provider) return callback(null, false, { message: 'Invalid, expired or already used OAuth2 state.' })
      callback(null, saved.verifier, saved.context)
    }, (err: Error) => callback(err, false))
  }
}

/** The failure URL carried in a `state` value, or null. */
export function failureFromState(state: unknown): string | null {
  if (typeof state !== 'string') return null
  const encoded = state.split('.')[1]
  if (!encoded) return null
  try {
    return Buffer.from(encoded, 'base64url').toString('utf8') || null
  } catch {
    return null
  }
}

/** Consumes the record a state names without using it (after a provider-side error). */
export async function discardState(store: Store, state: unknown): Promise<void> {
  const handle = handleOf(state)
  if (handle) await store.takeOnce(`oauth2:${handle}`)
}

/**
 * The record handle a `state` names, or '' for anything we could not have minted (handles are
 * base64url): nothing else reaches a store key, where a lone surrogate would become U+FFFD.
 */
function handleOf(state: unknown): string {
  const handle = typeof state === 'string' ? state.split('.')[0] : ''
  return handle && /^[A-Za-z0-9_-]{1,64}$/.test(handle) ? handle : ''
}
