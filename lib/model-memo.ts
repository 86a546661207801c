import { createHash } from 'node:crypto'

/**
 * Small bounded memos for the pure, per-request parts of building models (`toAccountModel` and
 * `toSessionModel` run on every `requireSession()` request): the same timestamps and the same
 * target ids come back request after request for a hot account. Each memo maps an input to
 * the value a pure function returns for it, so an entry can never be stale; when a memo is
 * full it is emptied (no LRU bookkeeping on the hot path), so its memory stays bounded.
 */
const MAX_ENTRIES = 4096

const dates = new Map<number, string>()
const targetIds = new Map<string, string>()

/** Appwrite's datetime format: millisecond precision with an explicit `+00:00`. */
export function isoDate(ms: number): string {
  let s = dates.get(ms)
  if (s === undefined) {
    // toISOString() throws RangeError for an invalid time, before anything is remembered.
    const iso = new Date(ms).toISOString()
    s = `${iso.slice(0, -1)}+00:00`
    if (dates.size >= MAX_ENTRIES) dates.clear()
    dates.set(ms, s)
  }
  return s
}

/**
 * A messaging target's id, derived from the account id, provider type and address, so it is
 * stable across reads without being stored.
 */
export function targetIdFor(accountId: string, providerType: string, identifier: string): string {
  const key = `${accountId}:${providerType}:${identifier}`
  let id = targetIds.get(key)
  if (id === undefined) {
    id = createHash('sha256').update(key).digest('hex').slice(0, 20)
    if (targetIds.size >= MAX_ENTRIES) targetIds.clear()
    targetIds.set(key, id)
  }
  return id
}
