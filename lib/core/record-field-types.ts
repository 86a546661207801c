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
  if (!Array.isArray(a.labels) || !a.labels.every((l) => typeof l === 'string')) {
    throw invalidParam('labels', 'Value must be an array of strings')
  }
  if (!a.prefs || typeof a.prefs !== 'object' || Array.isArray(a.prefs)) throw invalidParam('prefs', 'Value must be a valid JSON object')
}
