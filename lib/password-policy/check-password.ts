import { containsPersonalData, type PersonalData } from './contains-personal-data.js'
import { isCommonPassword } from './is-common-password.js'
import { isRecentlyUsed, type VerifyHash } from './is-recently-used.js'
import { commonPasswordMessage, lengthMessage, personalDataRefusal, recentlyUsedRefusal, refusal, type PolicyRefusal } from './policy-errors.js'
import type { PasswordPolicy } from './resolve-password-policy.js'

/** The account a password is checked for. */
export interface PasswordOwner extends PersonalData {
  /** Stored password hashes, oldest first, the current one last (see `nextPasswordHistory`). */
  passwordHistory?: readonly string[]
  /** How a history entry is checked (`accounts.passwords.verify`); required when `passwordHistory` is given. */
  verify?: VerifyHash
}

/**
 * The rules that need no hashing: length, the common-password list, personal data. Returns
 * the first refusal or null. `param` names the body parameter in the message, as Appwrite's
 * param validators do (`password` in every Account route).
 */
export function checkPasswordRules(policy: PasswordPolicy, password: string, owner: PersonalData = {}, param = 'password'): PolicyRefusal | null {
  const bytes = Buffer.byteLength(password, 'utf8')
  if (bytes < policy.minLength || bytes > policy.maxLength) {
    return refusal('general_argument_invalid', lengthMessage(param, policy.minLength, policy.maxLength))
  }
  if (policy.dictionary && isCommonPassword(password)) {
    return refusal('general_argument_invalid', commonPasswordMessage(param, policy.minLength))
  }
  if (policy.personalData && containsPersonalData(password, owner)) return personalDataRefusal()
  return null
}

/**
 * Every rule of the policy, history last. Appwrite checks the history before personal data;
 * we run the free checks first so a password refused anyway never costs up to 20 bcrypt
 * comparisons (a cheap way to tie up the hashing threads otherwise). The only visible
 * difference: a password that breaks both rules gets `password_personal_data`.
 */
export async function checkPassword(policy: PasswordPolicy, password: string, owner: PasswordOwner = {}, param = 'password'): Promise<PolicyRefusal | null> {
  const refused = checkPasswordRules(policy, password, owner, param)
  if (refused) return refused
  if (policy.history > 0 && owner.passwordHistory && owner.verify && (await isRecentlyUsed(password, owner.passwordHistory, policy.history, owner.verify))) {
    return recentlyUsedRefusal()
  }
  return null
}
