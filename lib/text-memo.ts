/**
 * A memo keyed by text, bounded by entries and by the characters of its keys: when a bound
 * would be passed it is emptied (no LRU bookkeeping: it serves hot paths), and a key longer
 * than `maxKeyChars` is never remembered. Security: counting entries alone is not enough when
 * callers control the text (a 64 KB prefs document is a record text; an app's claims are in a
 * JWT), since each distinct text then holds its value's heap too.
 */
export class TextMemo<V> {
  readonly #entries = new Map<string, V>()
  readonly #maxEntries: number
  readonly #maxKeyChars: number
  readonly #maxTotalChars: number
  #chars = 0

  constructor(limits: { maxEntries: number; maxKeyChars: number; maxTotalChars: number }) {
    this.#maxEntries = limits.maxEntries
    this.#maxKeyChars = limits.maxKeyChars
    this.#maxTotalChars = limits.maxTotalChars
  }

  get(key: string): V | undefined {
    return this.#entries.get(key)
  }

  /**
   * Remembers `value` under `key`, unless `key` is too long to be remembered. `chars` is what
   * the entry counts against `maxTotalChars` (default: the key's length; more when the value
   * holds text of its own). A replaced or deleted entry may stay counted: the memo then empties
   * a little sooner, never later.
   */
  set(key: string, value: V, chars = key.length): void {
    if (key.length > this.#maxKeyChars) return
    if (this.#entries.size >= this.#maxEntries || this.#chars + chars > this.#maxTotalChars) {
      this.#entries.clear()
      this.#chars = 0
    }
    this.#entries.set(key, value)
    this.#chars += chars
  }

  delete(key: string): void {
    if (this.#entries.delete(key)) this.#chars -= key.length
  }
}

/**
 * A memo of values made from a text, found by a short key (a record's store key) and valid only
 * for the exact text it was made from. For texts that arrive as new strings each time (a Redis
 * reply): hashing a 1 KB text to look it up in a {@link TextMemo} costs about a microsecond,
 * while comparing it with the one text remembered under its key is a memory compare. A changed
 * text is simply a miss, so an entry can never be stale. Bounded like TextMemo, by entries and
 * by the characters of keys and texts together.
 */
export class KeyedTextMemo<V> {
  readonly #memo: TextMemo<{ text: string; value: V }>
  readonly #maxTextChars: number

  constructor(limits: { maxEntries: number; maxTextChars: number; maxTotalChars: number }) {
    this.#maxTextChars = limits.maxTextChars
    this.#memo = new TextMemo({ maxEntries: limits.maxEntries, maxKeyChars: limits.maxTextChars, maxTotalChars: limits.maxTotalChars })
  }

  /** The value remembered for `text` under `key`, if `text` is exactly what it was made from. */
  get(key: string, text: string): V | undefined {
    const entry = this.#memo.get(key)
    return entry !== undefined && entry.text === text ? entry.value : undefined
  }

  /** Remembers `value` as made from `text`, under `key` (replacing what `key` held). */
  set(key: string, text: string, value: V): void {
    if (text.length > this.#maxTextChars) return
    this.#memo.set(key, { text, value }, key.length + text.length)
  }
}
