import { invalidParam } from './errors.js'

/** Appwrite's `APP_LIMIT_ARRAY_LABELS_SIZE`. */
export const MAX_LABELS = 1000
/** Appwrite's `Text(36)` per label. */
export const LABEL_MAX_CHARS = 36

const LABEL = /^[A-Za-z0-9]{1,36}$/
// Appwrite's ArrayList(Text(36, allowList: numbers + letters), 1000) description.
const RULE = `Value must a valid array no longer than ${MAX_LABELS} items and Value must be a valid string and at least 1 chars and no longer than ${LABEL_MAX_CHARS} chars`

/**
 * Labels as Appwrite's `PUT /users/:userId/labels` takes them: an array of at most 1,000
 * strings of 1–36 ASCII letters and digits; duplicates are dropped (first one kept), as
 * Appwrite's `array_unique` does. Anything else is `400 general_argument_invalid`. Labels
 * become `label:<name>` roles in Appwrite; here they are the host's to read.
 */
export function labels(param: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length > MAX_LABELS) throw invalidParam(param, RULE)
  for (const label of value) {
    if (typeof label !== 'string' || !LABEL.test(label)) throw invalidParam(param, RULE)
  }
  return [...new Set(value as string[])]
}
