/** Options of the password policy. Lengths are in UTF-8 bytes, as Appwrite (PHP strlen) counts. */
export interface PasswordPolicyOptions {
  /**
   * Shortest password accepted, in UTF-8 bytes, 8–256. Appwrite's floor of 8 is also
   * lib/validate.ts's, so a lower value could never take effect. Default 8.
   */
  minLength?: number
  /**
   * Refuse the most common passwords (the list in common-passwords.ts), compared
   * case-insensitively: `400 general_argument_invalid`. Default `true`.
   */
  dictionary?: boolean
  /**
   * Refuse a password that contains the account's name, email address or its local part,
   * phone number or user id (case-insensitive; parts shorter than 4 characters are ignored):
   * `400 password_personal_data`. Default `true`.
   */
  personalData?: boolean
  /**
   * How many of the account's latest password hashes (the current one included) a new
   * password may not match, 0–20: `400 password_recently_used`. Each remembered hash costs
   * one bcrypt comparison per password change. 0 = off. Default 0.
   */
  history?: number
}

/** Every option filled in. */
export interface PasswordPolicy {
  readonly minLength: number
  readonly maxLength: number
  readonly dictionary: boolean
  readonly personalData: boolean
  readonly history: number
}

/** The policy when no option is given. */
export const PASSWORD_POLICY_DEFAULTS: PasswordPolicy = Object.freeze({
  minLength: 8, // bytes
  maxLength: 256, // bytes, fixed: what lib/validate.ts and Appwrite accept
  dictionary: true,
  personalData: true,
  history: 0, // hashes; 0 = off
})

/** Appwrite's project setting allows a history of at most 20. */
export const PASSWORD_HISTORY_MAX = 20

/** Checks the options (a `TypeError` naming the bad one) and fills in the defaults. */
export function resolvePasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('options.passwordPolicy must be an object')
  }
  const d = PASSWORD_POLICY_DEFAULTS
  const { minLength = d.minLength, dictionary = d.dictionary, personalData = d.personalData, history = d.history } = options
  if (!Number.isInteger(minLength) || minLength < d.minLength || minLength > d.maxLength) {
    throw new TypeError(`options.passwordPolicy.minLength must be an integer from ${d.minLength} to ${d.maxLength} (bytes)`)
  }
  if (typeof dictionary !== 'boolean') throw new TypeError('options.passwordPolicy.dictionary must be a boolean')
  if (typeof personalData !== 'boolean') throw new TypeError('options.passwordPolicy.personalData must be a boolean')
  if (!Number.isInteger(history) || history < 0 || history > PASSWORD_HISTORY_MAX) {
    throw new TypeError(`options.passwordPolicy.history must be an integer from 0 to ${PASSWORD_HISTORY_MAX}`)
  }
  return Object.freeze({ minLength, maxLength: d.maxLength, dictionary, personalData, history })
}
