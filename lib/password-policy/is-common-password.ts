import { COMMON_PASSWORDS } from './common-passwords.js'

let set: Set<string> | undefined

/**
 * Built on first use, not at import: splitting ~18,000 lines costs a few milliseconds and a
 * megabyte or so that an app with the dictionary check turned off never needs to pay.
 */
function commonPasswords(): Set<string> {
  set ??= new Set(COMMON_PASSWORDS.split('\n'))
  return set
}

/**
 * True when the password is on the list. Appwrite's `PasswordDictionary` matches exactly
 * (`array_key_exists`); the list is lowercase, so we lowercase the candidate too: every
 * password Appwrite refuses is refused here, and so are `Password123` and `PASSWORD123`,
 * which a guesser tries right after `password123` at no extra cost.
 */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase())
}

/** How many passwords the list holds. */
export function commonPasswordCount(): number {
  return commonPasswords().size
}
