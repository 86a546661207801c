import { createHash } from 'node:crypto'
import bcrypt from 'bcrypt'
import { BcryptGate } from './bcrypt-gate.js'
import { verifiableBcryptCost } from './hashes/own-bcrypt-cost.js'
import { decodeImportedHash, isImportedHash } from './hashes/stored-imported-hash.js'
import { verifyImportedHash } from './hashes/verify-imported-hash.js'
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

  /**
   * Checks a password against a stored hash: the project's own (bcrypt over SHA-256), or one
   * imported from another system (`lib/hashes/`, stored by `encodeImportedHash`). Imported
   * checks go through the same gate, so argon2 / scrypt work is bounded like bcrypt's.
   */
  verify(password: string, hash: string, client?: string): Promise<boolean> {
    if (isImportedHash(hash)) return this.gate.run(() => this.#verifyImported(password, hash), client)
    // A malformed hash, or one whose cost is past the bound (see verifiableBcryptCost), never
    // verifies; it spends one comparison at the project's cost, as a wrong password does.
    if (verifiableBcryptCost(hash, this.#cost) === null) {
      return this.gate.run(() => this.#floorHash().then((h) => bcrypt.compare(prehash(password), h)).then(() => false), client)
    }
    return this.gate.run(() => bcrypt.compare(prehash(password), hash), client)
  }

  /**
   * An imported MD5 or SHA digest answers in microseconds, an unknown email after a full
   * bcrypt run (`burn`): timing would tell which emails belong to imported accounts. So an
   * imported check also spends one bcrypt comparison at the project's cost, in parallel
   * (argon2 / scrypt take about as long anyway). A hash that cannot be read never verifies.
   */
  async #verifyImported(password: string, stored: string): Promise<boolean> {
    const imported = decodeImportedHash(stored)
    const [ok] = await Promise.all([
      imported ? verifyImportedHash(password, imported) : false,
      this.#floorHash().then((h) => bcrypt.compare(prehash(password), h)),
    ])
    return ok
  }

  #floor: Promise<string> | undefined
  /** A bcrypt hash at the project's cost, made once outside the gate (it runs inside a turn). */
  #floorHash(): Promise<string> {
    this.#floor ??= bcrypt.hash(prehash('express-accounts-floor'), this.#cost).catch((err: unknown) => {
      this.#floor = undefined
      throw err
    })
    return this.#floor
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

  /** True when the hash was made with another cost than the configured one, or imported from another system. */
  needsRehash(hash: string): boolean {
    if (isImportedHash(hash)) return true
    try {
      return bcrypt.getRounds(hash) !== this.#cost
    } catch {
      return true
    }
  }
}
