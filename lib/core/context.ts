import type { Clock, ResolvedOptions } from '../options.js'
import type { GuardedStore } from '../store/guarded-store.js'
import type { Hooks } from './events.js'
import type { SecurityLog } from './security-log.js'

/**
 * What every part of the core and every feature shares: plain settings, the store (behind
 * the `storeTimeout` deadline), the clock and the event bus. The store is its own member, not
 * an option: options are settings a host can print; the store is a live connection.
 */
export interface CoreContext {
  readonly options: ResolvedOptions
  readonly store: GuardedStore
  readonly clock: Clock
  readonly events: Hooks
  /** The per-account security log: `record()` where a security event happens. */
  readonly securityLog: SecurityLog
}
