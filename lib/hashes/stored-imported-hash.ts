import type { ImportedHash } from './imported-hash.js'
import { parseImportedHash } from './parse-imported-hash.js'

/**
 * An imported hash lives in the account's `passwordHash` field, marked by this prefix, so
 * every place that checks a password (sign-in, password change, contact change) verifies it
 * through `Passwords.verify` without knowing about imports, and `needsRehash` sees it as a
 * hash to replace. No bcrypt string starts with `$imported$` (they start with `$2`).
 */
const PREFIX = '$imported$'

/** The `passwordHash` value that stores an imported hash. */
export function encodeImportedHash(imported: ImportedHash): string {
  return PREFIX + JSON.stringify(imported)
}

/** The imported hash a stored `passwordHash` holds, or null when it is a native hash (or unreadable). */
export function decodeImportedHash(passwordHash: string): ImportedHash | null {
  if (!passwordHash.startsWith(PREFIX)) return null
  try {
    return parseImportedHash(JSON.parse(passwordHash.slice(PREFIX.length)) as unknown)
  } catch {
    return null
  }
}

/** True when the stored value is an imported hash, readable or not. */
export function isImportedHash(passwordHash: string): boolean {
  return passwordHash.startsWith(PREFIX)
}
