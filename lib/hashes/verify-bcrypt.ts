import bcrypt from 'bcrypt'

/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost, then 22 salt and 31 hash characters. */
export const BCRYPT_PATTERN = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/

/**
 * Verifies a bcrypt hash made by another system: the password goes in as it is (no SHA-256
 * pre-hash, unlike the project's own scheme in lib/password.ts). `$2y$` is PHP's name for
 * the corrected algorithm OpenBSD calls `$2b$`; node's bcrypt knows only the latter name.
 * bcrypt's own compare is constant-time.
 */
export async function verifyBcrypt(password: string, hash: string): Promise<boolean> {
  const normalized = hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash
  return bcrypt.compare(password, normalized)
}
