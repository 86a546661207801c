/**
 * The test runner's BDD functions, read from the global scope when the suite is declared.
 *
 * The contract suite is shipped in the package, but mocha is not one of its runtime
 * dependencies (nor are its types): a store author's own mocha run defines `describe`, `it`,
 * `beforeEach` and `afterEach` as globals while it loads spec files, and the suite uses those,
 * like abstract-level's and Keyv's shared suites do. Assertions use `node:assert/strict`.
 */

/** The parts of mocha's test context the suite uses; runners without them are tolerated. */
export interface TestContext {
  slow?(ms: number): unknown
  timeout?(ms: number): unknown
}

export type TestBody = (this: TestContext) => void | Promise<void>

export interface Bdd {
  describe(title: string, body: () => void): unknown
  it(title: string, body: TestBody): unknown
  beforeEach(body: TestBody): unknown
  afterEach(body: TestBody): unknown
}

const NAMES = ['describe', 'it', 'beforeEach', 'afterEach'] as const

/** Mocha's globals, or a TypeError naming what is missing (the suite was not loaded by mocha). */
export function bdd(): Bdd {
  const g = globalThis as Record<string, unknown>
  const missing = NAMES.filter((n) => typeof g[n] !== 'function')
  if (missing.length > 0) {
    throw new TypeError(
      `storeContract() must be called from a spec file that mocha loads: the global ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`,
    )
  }
  return {
    describe: g.describe as Bdd['describe'],
    it: g.it as Bdd['it'],
    beforeEach: g.beforeEach as Bdd['beforeEach'],
    afterEach: g.afterEach as Bdd['afterEach'],
  }
}

/** Marks a test that waits on real time as expectedly slow, where the runner supports it. */
export function slow(ctx: TestContext | undefined, ms: number): void {
  if (typeof ctx?.slow === 'function') ctx.slow(ms)
}
