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

  /** Remembers `value` under `key`, unless `key` is too long to be remembered. */
  set(key: string, value: V): void {
    if (key.length > this.#maxKeyChars) return
    if (this.#entries.size >= this.#maxEntries || this.#chars + key.length > this.#maxTotalChars) {
      this.#entries.clear()
      this.#chars = 0
    }
    this.#entries.set(key, value)
    this.#chars += key.length
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
  readonly #entries = new Map<string, { text: string; value: V }>()
  readonly #maxEntries: number
  readonly #maxTextChars: number
  readonly #maxTotalChars: number
  #chars = 0

  constructor(limits: { maxEntries: number; maxTextChars: number; maxTotalChars: number }) {
    this.#maxEntries = limits.maxEntries
    this.#maxTextChars = limits.maxTextChars
    this.#maxTotalChars = limits.maxTotalChars
  }

  /** The value remembered for `text` under `key`, if `text` is exactly what it was made from. */
  get(key: string, text: string): V | undefined {
    const entry = this.#entries.get(key)
    return entry !== undefined && entry.text === text ? entry.value : undefined
  }

  /** Remembers `value` as made from `text`, under `key` (replacing what `key` held). */
  set(key: string, text: string, value: V): void {
    if (text.length > this.#maxTextChars || key.length > this.#maxTextChars) return
    const old = this.#entries.get(key)
    if (old !== undefined) {
      this.#entries.delete(key)
      this.#chars -= key.length + old.text.length
    }
    const chars = key.length + text.length
    if (this.#entries.size >= this.#maxEntries || this.#chars + chars > this.#maxTotalChars) {
      this.#entries.clear()
      this.#chars = 0
    }
    this.#entries.set(key, { text, value })
    this.#chars += chars
  }
}
