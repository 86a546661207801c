import { parsePhoneNumberWithError } from 'libphonenumber-js/max'

/** What the account knows about its owner. Absent or null fields are skipped. */
export interface PersonalData {
  userId?: string | null
  email?: string | null
  name?: string | null
  /** E.164, as stored (`+14155552671`). */
  phone?: string | null
}

/**
 * Parts shorter than this (in characters) are ignored. A 3-letter name, id or email word
 * ("Ann", "Lee", "bob@…") occurs inside many unrelated words ("planned", "fleece",
 * "bobsled") and would refuse passwords for no gain: a guesser who knows the account gets
 * little from a 3-letter fragment. At 4 the fragment is specific enough to be worth refusing.
 */
export const PERSONAL_DATA_MIN_PART = 4

/** Characters people put between the pieces of a number or a name ("415-555 2671", "john.smith"). */
const SEPARATORS = /[\s().+_-]+/gu

function fold(value: string): string {
  return value.normalize('NFKC').toLowerCase()
}

/**
 * The lowercased pieces of personal data a password may not contain: the user id; the whole
 * email, its local part and the words of the local part; the whole name, the name without
 * spaces and each of its words; the phone's digits and its national number (`4155552671`
 * for `+14155552671`, the form people type). Appwrite checks the id, email, local part,
 * name and phone with and without `+`; the words and the national number are ours, because
 * `johnsmith1990` or `Smith!2024` is no harder to guess for someone who knows the account.
 */
export function personalDataParts(data: PersonalData): string[] {
  const parts = new Set<string>()
  const add = (part: string): void => {
    if ([...part].length >= PERSONAL_DATA_MIN_PART) parts.add(part)
  }
  if (data.userId) add(fold(data.userId))
  if (data.email) {
    const email = fold(data.email)
    add(email)
    const at = email.lastIndexOf('@')
    const local = at === -1 ? email : email.slice(0, at)
    add(local)
    for (const word of local.split(SEPARATORS)) add(word)
  }
  if (data.name) {
    const name = fold(data.name).trim()
    add(name)
    add(name.replace(/\s+/gu, ''))
    for (const word of name.split(/[^\p{L}\p{N}]+/u)) add(word)
  }
  if (data.phone) {
    add(data.phone.replace(/\D/g, ''))
    try {
      add(parsePhoneNumberWithError(data.phone).nationalNumber)
    } catch {
      // Not parseable (a number stored before validation got stricter): its digits still count.
    }
  }
  return [...parts]
}

/**
 * True when the password contains a piece of the owner's data, compared case-insensitively
 * and also with separators taken out of the password, so `415-555-2671` and `J.Smith` count.
 */
export function containsPersonalData(password: string, data: PersonalData): boolean {
  const folded = fold(password)
  const bare = folded.replace(SEPARATORS, '')
  return personalDataParts(data).some((part) => folded.includes(part) || bare.includes(part))
}
