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
