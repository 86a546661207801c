/**
 * The one test clock. Milliseconds throughout, the unit of `options.clock.now()` (epoch ms), so
 * `advance(15 * 60_000)` reads the same in every suite.
 */
export class TestClock {
  t: number
  constructor(start = Date.now()) {
    this.t = start
  }
  now(): number {
    return this.t
  }
  /** Moves the clock `ms` forward and returns the new time. */
  advance(ms: number): number {
    this.t += ms
    return this.t
  }
}
