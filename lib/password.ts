import { createHash } from 'node:crypto'
import bcrypt from 'bcrypt'
import { BcryptGate } from './bcrypt-gate.js'
import type { ResolvedOptions } from './options.js'

/**
 * bcrypt reads at most 72 bytes. Pre-hashing with SHA-256 (base64, 44 ASCII bytes, no NUL)
 * makes every byte of a 256-byte password count and keeps bcrypt's input fixed-size.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64')
}

/**
 * Password hashing for one account system. Every bcrypt operation goes through the gate,
 * so the process's bcrypt work is bounded whoever asks for it (sign-in, sign-up, password
 * change, recovery). `client` (a `clientKey`) charges the work to a client's share.
 */
export class Passwords {
  /** The bound on bcrypt work; its gauges (`inFlight`, `waiting`, `peakInFlight`) are readable. */
  readonly gate: BcryptGate
  readonly #cost: number
  #dummy: Promise<string> | undefined

  constructor(options: Pick<ResolvedOptions, 'bcryptCost' | 'bcryptConcurrency' | 'bcryptQueue' | 'bcryptPerClient'>) {
    this.#cost = options.bcryptCost
    this.gate = new BcryptGate({ concurrency: options.bcryptConcurrency, queue: options.bcryptQueue, perClient: options.bcryptPerClient })
  }

  /** bcrypt over a SHA-256 pre-hash, at `bcryptCost`, through the bcrypt gate (`client` gets its share). */
  hash(password: string, client?: string): Promise<string> {
    return this.gate.run(() => bcrypt.hash(prehash(password), this.#cost), client)
  }

  /** Checks a password against a stored hash, through the bcrypt gate. */
  verify(password: string, hash: string, client?: string): Promise<boolean> {
    return this.gate.run(() => bcrypt.compare(prehash(password), hash), client)
  }

  /**
   * Spends the same bcrypt time as a real check, so an unknown email answers as slowly as a
   * wrong password (no account enumeration by timing). It queues like a real check too.
   */
  async burn(password: string, client?: string): Promise<void> {
    // A failed first attempt (gate full) must not leave a rejected promise cached.
    this.#dummy ??= this.hash('express-accounts-dummy-password').catch((err: unknown) => {
      this.#dummy = undefined
      throw err
    })
    await this.verify(password, await this.#dummy, client)
  }

  /** True when the hash was made with another cost than the configured one. */
  needsRehash(hash: string): boolean {
    try {
      return bcrypt.getRounds(hash) !== this.#cost
    } catch {
      return true
    }
  }
}
