/** One pending deadline of a `DeadlineList`; `cancel()` it when the guarded work settled in time. */
export class Deadline {
  prev: Deadline | null = null
  next: Deadline | null = null
  /** In the list: neither cancelled nor expired. */
  pending = true

  constructor(
    readonly owner: DeadlineList,
    readonly at: number,
    readonly onExpire: () => void,
  ) {}

  /** Takes the deadline out before it expires; false when it had already expired (or was cancelled). */
  cancel(): boolean {
    if (!this.pending) return false
    this.owner.unlink(this)
    return true
  }
}

/**
 * Deadlines that all have the same duration, kept in the order they were set, which is also
 * the order they expire in. One timer runs, for the earliest pending deadline, instead of one
 * `setTimeout` per guarded call: adding and cancelling are a few pointer moves, with no timer
 * created, re-armed or cleared per call (the store guard's hot path). Cancelling unlinks the
 * entry at once, so a settled call keeps nothing alive until its deadline would have come.
 *
 * The timer is `unref()`'d: pending deadlines never keep a process alive that is shutting down.
 * An expired deadline's callback runs from the timer, no earlier than `ms` after it was added.
 */
export class DeadlineList {
  readonly ms: number
  #head: Deadline | null = null
  #tail: Deadline | null = null
  #timer: ReturnType<typeof setTimeout> | null = null

  constructor(ms: number) {
    this.ms = ms
  }

  add(onExpire: () => void): Deadline {
    const d = new Deadline(this, performance.now() + this.ms, onExpire)
    if (this.#tail === null) {
      this.#head = this.#tail = d
    } else {
      d.prev = this.#tail
      this.#tail.next = d
      this.#tail = d
    }
    // An armed timer is due at or before this deadline (all have the same duration).
    if (this.#timer === null) this.#arm(this.ms)
    return d
  }

  /** @internal `Deadline.cancel()` and expiry. */
  unlink(d: Deadline): void {
    d.pending = false
    if (d.prev === null) this.#head = d.next
    else d.prev.next = d.next
    if (d.next === null) this.#tail = d.prev
    else d.next.prev = d.prev
    d.prev = d.next = null
  }

  #arm(delayMs: number): void {
    // Node's timers have millisecond resolution and may fire up to 1 ms early by our clock;
    // `#expire` then re-arms for what is left.
    this.#timer = setTimeout(this.#expire, Math.max(1, Math.ceil(delayMs)))
    this.#timer.unref()
  }

  readonly #expire = (): void => {
    this.#timer = null
    const now = performance.now()
    let d = this.#head
    while (d !== null && d.at <= now) {
      this.unlink(d)
      d.onExpire()
      d = this.#head
    }
    // A callback may have added a deadline, and armed the timer for it already.
    if (d !== null && this.#timer === null) this.#arm(d.at - now)
  }
}
