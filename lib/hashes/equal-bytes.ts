import { timingSafeEqual } from 'node:crypto'

/**
 * Constant-time equality of two byte strings. The lengths are compared first: a length
 * follows from the scheme and its public parameters, so it tells an attacker nothing, and
 * `timingSafeEqual` throws on unequal lengths (a throw here would turn a wrong password into
 * a 500).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}
