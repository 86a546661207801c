import { resolveOptions, type AccountsOptions, type Clock, type ResolvedOptions } from '../options.js'
import { Passwords } from '../password.js'
import { GuardedStore } from '../store/guarded-store.js'
import { MemoryStore } from '../store/memory-store.js'
import { AccountRecords } from './account-records.js'
import type { CoreContext } from './context.js'
import { Hooks } from './events.js'
import { Jwts } from './jwt.js'
import { Messenger } from './messenger.js'
import { SecurityLog } from './security-log.js'
import { Sessions } from './sessions.js'
import { Tokens } from './tokens.js'

/**
 * What the features are built from: the context (`options`, `store`, `clock`, `events`) and
 * the services every feature shares. Building one checks the options (and that the store has
 * every method the configured features need); it holds no account rule.
 */
export class Core implements CoreContext {
  readonly options: ResolvedOptions
  /** The configured store behind the `storeTimeout` deadline (`store.inner` is the store as given). */
  readonly store: GuardedStore
  readonly clock: Clock
  readonly events = new Hooks()
  readonly securityLog: SecurityLog
  readonly accounts: AccountRecords
  readonly sessions: Sessions
  readonly jwts: Jwts
  readonly tokens: Tokens
  readonly messenger: Messenger
  readonly passwords: Passwords

  constructor(input: AccountsOptions = {}) {
    this.options = resolveOptions(input)
    // A store taken from another instance (`accounts.store`) is guarded once, not twice.
    const given = input.store instanceof GuardedStore ? input.store.inner : input.store ?? new MemoryStore()
    this.store = new GuardedStore(given, this.options.storeTimeout)
    this.clock = this.options.clock
    this.securityLog = new SecurityLog(this)
    this.accounts = new AccountRecords(this)
    this.sessions = new Sessions(this)
    this.jwts = new Jwts(this, this.sessions)
    this.tokens = new Tokens(this)
    this.messenger = new Messenger(this)
    this.passwords = new Passwords(this.options)
  }
}
