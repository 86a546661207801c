/**
 * The refusals of the password policy, with Appwrite's types, statuses and wording, so the
 * wire stays what Appwrite's SDKs and the apps written against them expect. lib/errors.ts
 * has the same two types; the core (lib/core/new-password.ts) raises a {@link PolicyRefusal}
 * as an `AccountsError`.
 */

/** Appwrite's type, status and default message of each policy refusal (app/config/errors.php). */
export const POLICY_ERRORS = {
  password_personal_data: {
    code: 400,
    message: 'The password you are trying to use contains references to your name, email, phone or userID. For your security, please choose a different password and try again.',
  },
  password_recently_used: {
    code: 400,
    message: 'The password you are trying to use is similar to your previous password. For your security, please choose a different password and try again.',
  },
} as const satisfies Record<string, { code: number; message: string }>

/** The error type of a refusal: `general_argument_invalid` or a key of {@link POLICY_ERRORS}. */
export type PolicyRefusalType = 'general_argument_invalid' | keyof typeof POLICY_ERRORS

/** Why a password was refused: what the caller raises as an `AccountsError(type, message)`. */
export interface PolicyRefusal {
  readonly type: PolicyRefusalType
  /** HTTP status to answer with: 400 for every refusal. */
  readonly code: 400
  readonly message: string
}

/**
 * Appwrite's `PasswordDictionary` description, as its param check renders it. "265" is
 * Appwrite's own typo, kept because client code compares this exact string; with a minimum
 * other than 8 the minimum is the configured one.
 */
export function commonPasswordMessage(param: string, minLength: number): string {
  return `Invalid \`${param}\` param: Password must be between ${minLength} and 265 characters long, and should not be one of the commonly used password.`
}

/** Same wording as lib/validate.ts `password()` for the length rule, with the configured minimum. */
export function lengthMessage(param: string, minLength: number, maxLength: number): string {
  return `Invalid \`${param}\` param: Password must be between ${minLength} and ${maxLength} characters long.`
}

export function refusal(type: PolicyRefusalType, message: string): PolicyRefusal {
  return { type, code: 400, message }
}

export function personalDataRefusal(): PolicyRefusal {
  return refusal('password_personal_data', POLICY_ERRORS.password_personal_data.message)
}

export function recentlyUsedRefusal(): PolicyRefusal {
  return refusal('password_recently_used', POLICY_ERRORS.password_recently_used.message)
}
