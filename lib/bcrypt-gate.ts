import { AccountsError } from './errors.js'
import { withRetryAfter } from './retry-after.js'

/** How long a refused caller should wait, seconds: about one bcrypt check at cost 12. */
const RETRY_AFTER = 1

/** Bounds of the bcrypt gate (`bcryptConcurrency`, `bcryptQueue`, `bcryptPerClient` of `createAccounts()`). */
export interface BcryptGateOptions {
  /** bcrypt operations run at once. */
  concurrency: number
  /** Operations waiting for a turn; beyond it `503 general_server_busy`. */
  queue: number
  /** Places (running or waiting) one client may hold; beyond it `429`. */
  perClient: number
}

/**
 * Bounds the bcrypt work of one process. bcrypt runs on libuv's thread pool (4 threads by
 * default, shared with fs, dns and zlib): without a bound, 32 parallel wrong passwords
 * queued inside libuv and stretched a real user's sign-in from ~270 ms to 4.5 s, and nothing
 * refused the excess. Here at most `concurrency` run, at most `queue` wait (first come, first
 * served), and one client (an IP, an IPv6 /64) holds at most `perClient` of those places, so
 * one client's burst is refused at once (`429`) instead of filling the queue for everyone.
 * Past the queue everyone gets `503 general_server_busy` fast rather than slowly.
 */
export class BcryptGate {
  readonly concurrency: number
  readonly queueLimit: number
  readonly perClient: number
  #running = 0
  #peak = 0
  readonly #waiting: Array<() => void> = []
  readonly #held = new Map<string, number>()

  constructor(options: BcryptGateOptions) {
    this.concurrency = options.concurrency
    this.queueLimit = options.queue
    this.perClient = options.perClient
  }

  /** bcrypt operations running now. */
  get inFlight(): number {
    return this.#running
  }

  /** Operations waiting for a turn now. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** The most operations that ever ran at once (a gauge for tests and monitoring). */
  get peakInFlight(): number {
    return this.#peak
  }

  /**
   * Runs `work` when a turn is free. `client` names who the work is for (see `clientKey`);
   * without one (server code, API-key callers) only the process-wide bound applies.
   */
  async run<T>(work: () => Promise<T>, client?: string): Promise<T> {
    if (client !== undefined && (this.#held.get(client) ?? 0) >= this.perClient) {
      throw withRetryAfter(new AccountsError('general_rate_limit_exceeded', 'Too many password checks in progress from your network. Please try again in a moment.'), RETRY_AFTER)
    }
    const mustWait = this.#running >= this.concurrency
    if (mustWait && this.#waiting.length >= this.queueLimit) throw withRetryAfter(new AccountsError('general_server_busy'), RETRY_AFTER)
    if (client !== undefined) this.#held.set(client, (this.#held.get(client) ?? 0) + 1)
    try {
      // A finishing operation hands its turn straight to the first waiter (#release), so
      // `#running` never exceeds `concurrency`, even for a moment.
      if (mustWait) await new Promise<void>((resolve) => this.#waiting.push(resolve))
      else this.#running += 1
      this.#peak = Math.max(this.#peak, this.#running)
      try {
        return await work()
      } finally {
        this.#release()
      }
    } finally {
      if (client !== undefined) {
        const left = (this.#held.get(client) ?? 1) - 1
        if (left > 0) this.#held.set(client, left)
        else this.#held.delete(client)
      }
    }
  }

  #release(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#running -= 1
  }
}
