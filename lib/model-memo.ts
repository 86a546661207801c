/**
 * Small bounded memos for the pure, per-request parts of building models (`toAccountModel` and
 * `toSessionModel` run on every `requireSession()` request): the same timestamps come back request after request for a hot account. Each memo maps an input to
 * the value a pure function returns for it, so an entry can never be stale; when a memo is
 * full it is emptied (no LRU bookkeeping on the hot path), so its memory stays bounded.
 */
const MAX_ENTRIES = 4096

const dates = new Map<number, string>()

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
