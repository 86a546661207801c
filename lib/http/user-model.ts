import { toAccountModel, type AccountModel } from '../models.js'
import type { AccountRecord } from '../store/store.js'
import { hashFields } from '../users/hash-fields.js'

/**
 * Appwrite's User model (the Users service's answer for an account, node-appwrite
 * `Models.User`): the Account model plus the stored password hash. Only API-key callers ever
 * get it. Keys in Appwrite's order.
 */
export interface UserModel extends Omit<AccountModel, 'impersonator' | 'impersonatorUserId'> {
  /** The stored hash (never a plaintext password); `''` for a password-less account. */
  password: string
  /** The hash scheme's name. */
  hash: string
  /** The scheme's parameters. */
  hashOptions: Record<string, unknown>
  impersonator: boolean
  impersonatorUserId: string | null
}

export function toUserModel(a: AccountRecord): UserModel {
  const { $id, $createdAt, $updatedAt, name, ...rest } = toAccountModel(a)
  // Records written before the Users service have no `impersonator`: false.
  const impersonator = (a as AccountRecord & { impersonator?: unknown }).impersonator === true
  return {
    $id, $createdAt, $updatedAt, name,
    // Our own scheme, or an imported hash until the first sign-in rehashes it (lib/users/hash-fields.ts).
    ...hashFields(a.passwordHash),
    ...rest,
    impersonator,
    impersonatorUserId: null,
  }
}

/** Appwrite's `UserList`. */
export function toUserList(total: number, accounts: AccountRecord[]): { total: number; users: UserModel[] } {
  return { total, users: accounts.map(toUserModel) }
}
