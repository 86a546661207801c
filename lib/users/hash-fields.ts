import { decodeImportedHash, isImportedHash } from '../hashes/stored-imported-hash.js'

/**
 * How the User model names the project's own scheme: bcrypt over a SHA-256 pre-hash of the
 * password (`lib/password.ts`). `bcrypt` with a `preHash` option, since a plain bcrypt verifier
 * would not accept it; a migration tells it from an imported plain bcrypt by that option.
 */
export const OWN_HASH = { hash: 'bcrypt', hashOptions: { type: 'bcrypt', preHash: 'sha256' } } as const

/** True for the User-model fields of the project's own scheme. */
export function isOwnHash(hash: unknown, hashOptions: unknown): boolean {
  return hash === OWN_HASH.hash && (hashOptions as { preHash?: unknown } | undefined)?.preHash === OWN_HASH.hashOptions.preHash
}

/**
 * The stored hash as the User model shows it: the project's own, or an imported one as it was
 * imported (until the first sign-in rehashes it); `''` / `{}` for an account without a password.
 */
export function hashFields(passwordHash: string | null): { password: string; hash: string; hashOptions: Record<string, unknown> } {
  if (passwordHash === null) return { password: '', hash: '', hashOptions: {} }
  if (isImportedHash(passwordHash)) {
    const imported = decodeImportedHash(passwordHash)
    if (imported) return { password: imported.password, hash: imported.hash, hashOptions: { ...imported.hashOptions } }
    return { password: '', hash: '', hashOptions: {} }
  }
  return { password: passwordHash, hash: OWN_HASH.hash, hashOptions: { ...OWN_HASH.hashOptions } }
}
