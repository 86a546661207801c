import { parsePhoneNumberWithError } from 'libphonenumber-js/max'
import { invalidParam } from './errors.js'
import { requireString } from './validate.js'

const MESSAGE = "Phone number must start with a '+' can have a maximum of fifteen digits."

/**
 * An E.164 phone number (`+` and up to 15 digits, as Appwrite requires) that libphonenumber's
 * full metadata says can exist: a known calling code and a valid number plan. Returned in
 * canonical E.164 form, the one key it is stored and looked up under.
 */
export function phone(param: string, value: unknown): string {
  const v = requireString(param, value)
  if (!/^\+[1-9]\d{1,14}$/.test(v)) throw invalidParam(param, MESSAGE)
  try {
    const parsed = parsePhoneNumberWithError(v)
    if (!parsed.isValid()) throw new Error('invalid')
    return parsed.number
  } catch {
    throw invalidParam(param, `${MESSAGE} The number is not a valid phone number.`)
  }
}
