import { invalidParam } from '../errors.js'
import type { AccountRecord } from '../store/store.js'

/**
 * Refuses a record whose profile fields have the wrong JSON type, before anything is stored.
 * Security: `insert` takes whole records from host code and the migrate CLI (another server's
 * data); the stores index these fields (listing, search, unique claims), and a number where a
 * string belongs used to be written first and break every later listing (the index rebuild
 * threw on it). The routes' validators give stronger guarantees; this is the floor for records
 * that did not come through them.
 */
export function assertRecordFieldTypes(a: AccountRecord): void {
  for (const field of ['name', 'email', 'phone'] as const) {
    if (typeof a[field] !== 'string') throw invalidParam(field, 'Value must be a valid string')
  }
  // `undefined` is left to the readers as before (an absent field); a present one must have its type.
  const { labels, prefs } = a as { labels?: unknown; prefs?: unknown }
  if (labels !== undefined && (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))) {
    throw invalidParam('labels', 'Value must be an array of strings')
  }
  if (prefs !== undefined && (prefs === null || typeof prefs !== 'object' || Array.isArray(prefs))) {
    throw invalidParam('prefs', 'Value must be a valid JSON object')
  }
}
