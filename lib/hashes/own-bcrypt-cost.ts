import { HASH_LIMITS } from './hash-limits.js'

/** A bcrypt string as `bcrypt.hash` writes it: version, two-digit cost, 22 salt + 31 hash characters. */
const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/

/**
 * The cost of a stored own-scheme (bcrypt) hash when it is one this process may verify, else
 * null. Security: the cost decides how long every sign-in attempt for the account runs, and
 * anyone may attempt one, so a hash that did not come from this project's own `hash()` (a
 * migrated record, a host's `insert()`) must not name any cost it likes: `$2b$30$` would hold a
 * bcrypt slot for a day per attempt. Bounded as imported bcrypt hashes are, or by the
 * project's own configured cost when that is higher.
 */
export function verifiableBcryptCost(hash: string, ownCost = 0): number | null {
  const match = BCRYPT.exec(hash)
  if (!match) return null
  const cost = Number(match[1])
  return cost >= 4 && cost <= Math.max(HASH_LIMITS.bcryptMaxCost, ownCost) ? cost : null
}
