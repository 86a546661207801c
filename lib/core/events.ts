import type { AccountRecord, SessionRecord } from '../store/store.js'

/** Events the core announces after the fact, like accounts-js server hooks. */
export interface AccountsEvents {
  accountCreated: { account: AccountRecord }
  accountUpdated: { account: AccountRecord }
  accountDeleted: { accountId: string }
  signIn: { account: AccountRecord; session: SessionRecord }
  sessionDeleted: { accountId: string; sessionId: string }
  /**
   * A request made by an impersonator as another account (emitted for every such request, by
   * the router and `requireSession()` alike). `sessionId` is the impersonator's session.
   */
  impersonation: { impersonatorId: string; accountId: string; sessionId: string; ip: string; userAgent: string; method: string; path: string }
  /** An email or SMS could not be handed to its transport (sending happens after the answer). */
  deliveryFailed: { channel: 'email' | 'sms'; kind: string; to: string; error: Error }
}

/** The events `accounts.on()` subscribes to. */
export type AccountsEventName = keyof AccountsEvents
/** A listener of one event; it runs after the change is stored, and a failure is reported as a warning (`EXPRESS_ACCOUNTS_HOOK_FAILED`). */
export type Listener<E extends AccountsEventName> = (event: AccountsEvents[E]) => void | Promise<void>

/**
 * Listeners run after the change is stored and never change its outcome: a throwing or
 * rejecting listener is reported with `process.emitWarning`, the request still succeeds.
 */
export class Hooks {
  readonly #listeners = new Map<AccountsEventName, Set<Listener<never>>>()

  on<E extends AccountsEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  emit<E extends AccountsEventName>(event: E, payload: AccountsEvents[E]): void {
    const set = this.#listeners.get(event)
    if (!set) return
    for (const listener of set) {
      try {
        Promise.resolve((listener as Listener<E>)(payload)).catch((err) => report(event, err))
      } catch (err) {
        report(event, err)
      }
    }
  }
}

function report(event: string, err: unknown): void {
  process.emitWarning(`express-accounts: a '${event}' listener failed: ${err instanceof Error ? err.message : String(err)}`, {
    code: 'EXPRESS_ACCOUNTS_HOOK_FAILED',
  })
}
