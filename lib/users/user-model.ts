import { decodeImportedHash, isImportedHash } from '../hashes/stored-imported-hash.js'
import { type AccountModel, toAccountModel } from '../models.js'
import type { AccountRecord } from '../store/store.js'

/**
 * The name the Users service gives the project's own hashes: bcrypt over a base64 SHA-256
 * pre-hash (lib/password.ts). Not Appwrite's `bcrypt` (which hashes the password as is), so a
 * migration can tell the two apart.
 */
export const NATIVE_HASH = 'bcrypt-sha256'

/** Appwrite's User model: the Account fields with `password`, `hash`, `hashOptions` after `name` (API-key callers only). */
export type UserModel = Pick<AccountModel, '$id' | '$createdAt' | '$updatedAt' | 'name'> & {
  password: string
  hash: string
  hashOptions: Record<string, unknown>
} & Omit<AccountModel, '$id' | '$createdAt' | '$updatedAt' | 'name'>

/** The stored hash as the User model shows it; `''` / `{}` for an account without a password. */
export function hashFields(passwordHash: string | null): { password: string; hash: string; hashOptions: Record<string, unknown> } {
  if (passwordHash === null) return { password: '', hash: '', hashOptions: {} }
  if (isImportedHash(passwordHash)) {
    const imported = decodeImportedHash(passwordHash)
    if (imported) return { password: imported.password, hash: imported.hash, hashOptions: { ...imported.hashOptions } }
    return { password: '', hash: '', hashOptions: {} }
  }
  return { password: passwordHash, hash: NATIVE_HASH, hashOptions: { type: NATIVE_HASH } }
}

export function toUserModel(a: AccountRecord): UserModel {
  const { $id, $createdAt, $updatedAt, name, ...rest } = toAccountModel(a)
  return { $id, $createdAt, $updatedAt, name, ...hashFields(a.passwordHash), ...rest }
}
