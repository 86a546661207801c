import { deepFreeze } from '../deep-freeze.js'

/**
 * Parsed, deep-frozen records, memoised by their stored JSON: the `requireSession()` hot path
 * reads the same session and account request after request, and parsing ~1.5 KB of JSON into
 * fresh objects each time was its largest cost after the round trip itself (the parse, then
 * the garbage it leaves). A memo keyed by the full JSON text can never be stale: equal text
 * parses to an equal record, and any change to a record changes its text. Values are frozen
 * all the way down, so one caller cannot change what another is handed.
 *
 * Bounded: when full, the memo is emptied (no LRU bookkeeping on the hot path), so at most
 * {@link MAX_ENTRIES} records and their texts are held, whatever the number of accounts.
 */
const MAX_ENTRIES = 2048

const memo = new Map<string, unknown>()

/** `JSON.parse(json)`, deep-frozen, shared with every other caller that passes the same text. */
export function parseFrozen<T>(json: string): T {
  let value = memo.get(json)
  if (value === undefined) {
    // JSON.parse throws on bad text before anything is remembered.
    value = deepFreeze(JSON.parse(json) as unknown)
    if (memo.size >= MAX_ENTRIES) memo.clear()
    memo.set(json, value)
  }
  return value as T
}
