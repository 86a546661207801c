import { deepFreeze } from '../deep-freeze.js'
import { KeyedTextMemo, TextMemo } from '../text-memo.js'

/**
 * Parsed, deep-frozen records, memoised by their stored JSON: the `requireSession()` hot path
 * reads the same session and account request after request, and parsing ~1.5 KB of JSON into
 * fresh objects each time was its largest cost after the round trip itself (the parse, then
 * the garbage it leaves). A memo keyed by the full JSON text can never be stale: equal text
 * parses to an equal record, and any change to a record changes its text. Values are frozen
 * all the way down, so one caller cannot change what another is handed.
 *
 * Bounded by entries and by text: when either bound would be passed, the memo is emptied (no
 * LRU bookkeeping on the hot path). Security: counting entries alone was not enough. Every
 * stored version of a record is a new text, and a user controls up to 64 KB of their own
 * (prefs), which can parse into ~20 bytes of heap per character (`[{},{},…]`): one account
 * saving its prefs and reading itself back 2048 times held ~3 GB. So a text longer than
 * 16,384 characters is parsed afresh each time (as before the memo; the hot path's records are
 * ~1.5 KB), and all texts held add up to at most 2 M characters (tens of MB of heap at worst).
 */
const memo = new TextMemo<unknown>({
  maxEntries: 2048,
  // The longest text remembered; the hot path's records are ~1.5 KB.
  maxKeyChars: 16_384,
  // All remembered texts together.
  maxTotalChars: 2_000_000,
})

/**
 * `JSON.parse(json)`, deep-frozen, shared with every other caller that passes the same text
 * (a text over 16,384 characters gets its own, unshared parse: frozen all the same, so callers
 * see one behaviour whatever the size).
 */
export function parseFrozen<T>(json: string): T {
  let value = memo.get(json)
  if (value === undefined) {
    // JSON.parse throws on bad text before anything is remembered.
    value = deepFreeze(JSON.parse(json) as unknown)
    memo.set(json, value)
  }
  return value as T
}

/** Bounds as {@link memo}'s: one entry per record key, the same text and total limits. */
const byKey = new KeyedTextMemo<unknown>({ maxEntries: 2048, maxTextChars: 16_384, maxTotalChars: 2_000_000 })

/**
 * {@link parseFrozen} for a text read from the store under `key` as a new string each time (a
 * Redis reply): the remembered parse is found by the key and used only if the text is exactly
 * the one it was parsed from, so a lookup compares the text instead of hashing it.
 */
export function parseFrozenAt<T>(key: string, json: string): T {
  let value = byKey.get(key, json)
  if (value === undefined) {
    value = deepFreeze(JSON.parse(json) as unknown)
    byKey.set(key, json, value)
  }
  return value as T
}
