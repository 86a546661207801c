import { AccountsError } from '../errors.js'
import type { Passwords } from '../password.js'
import { checkPassword, nextPasswordHistory } from '../password-policy/index.js'
import type { AccountRecord } from '../store/store.js'
import type { CoreContext } from './context.js'

/** The account a new password is for: what the policy compares it with. */
export type PasswordOwnerRecord = Pick<AccountRecord, 'id' | 'email' | 'name' | 'phone'> & Partial<Pick<AccountRecord, 'passwordHash' | 'passwordHistory'>>

/** The remembered hashes, the current password's last (it is one of the "last N" too). */
function historyOf(a: Partial<Pick<AccountRecord, 'passwordHash' | 'passwordHistory'>>): string[] {
  const history = [...(a.passwordHistory ?? [])]
  if (a.passwordHash && history[history.length - 1] !== a.passwordHash) history.push(a.passwordHash)
  return history
}

/**
 * Applies `options.passwordPolicy` to a new password (already 8–256 bytes by lib/validate.ts):
 * minimum length, common passwords, personal data, history. Throws the refusal as an
 * `AccountsError` (`400 general_argument_invalid`, `password_personal_data` or
 * `password_recently_used`). The history check costs one bcrypt compare per remembered hash,
 * through the bcrypt gate; it runs last, so a password refused anyway costs none.
 */
export async function assertNewPassword(ctx: Pick<CoreContext, 'options'>, passwords: Passwords, password: string, owner: PasswordOwnerRecord): Promise<void> {
  const policy = ctx.options.passwordPolicy
  const refusal = await checkPassword(policy, password, {
    userId: owner.id,
    email: owner.email,
    name: owner.name,
    phone: owner.phone,
    passwordHistory: historyOf(owner),
    verify: (pw, hash) => passwords.verify(pw, hash),
  })
  if (refusal) throw new AccountsError(refusal.type, refusal.message)
}

/**
 * Sets `hash` as the account's password inside a compare-and-set change, keeping the history
 * when the policy remembers any (the field stays absent while it does not).
 */
export function setPasswordHash(ctx: Pick<CoreContext, 'options'>, a: AccountRecord, hash: string, now: number): void {
  const size = ctx.options.passwordPolicy.history
  if (size > 0) a.passwordHistory = nextPasswordHistory(historyOf(a), hash, size)
  a.passwordHash = hash
  a.passwordUpdatedAt = now
}
