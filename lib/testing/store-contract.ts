/**
 * The Store contract suite: the observable behaviour the core relies on, atomicity included
 * (see `lib/store/store.ts` and docs/store.md). MemoryStore, RedisStore and RedisStore on a
 * Cluster run it in this repository; a third-party store runs the very same suite through
 * `express-accounts/testing`.
 */
import type { Store } from '../store/store.js'
import { bdd } from './bdd.js'
import { accountTests } from './contract-accounts.js'
import { counterTests, peekTests } from './contract-counters.js'
import { identityListingTests, identityTests } from './contract-identities.js'
import { listingTests } from './contract-listings.js'
import { logTests } from './contract-logs.js'
import { onceTests } from './contract-once.js'
import { sessionTests } from './contract-sessions.js'
import { tokenTests } from './contract-tokens.js'
import type { StoreHandle } from './fixtures.js'

export interface StoreContractOptions {
  /**
   * Called after every test, before `store.close()`: e.g. delete the rows or keys the test
   * wrote, when `makeStore` does not give each test a database of its own.
   */
  cleanup?: (store: Store) => void | Promise<void>
}

/**
 * Declares the contract suite as `describe('Store contract: <name>')` with mocha's global
 * `describe` / `it`: call it at the top level of a spec file (or inside your own `describe`).
 *
 * @param name      shown in the suite title.
 * @param makeStore a store with no data in it; called before every test. Tests reuse some
 *                  fixed emails and keys, so give each test its own database, schema or key
 *                  prefix, or empty the shared one in `options.cleanup`.
 * @param options   see {@link StoreContractOptions}.
 */
export function storeContract(
  name: string,
  makeStore: () => Store | Promise<Store>,
  options: StoreContractOptions = {},
): void {
  const { describe, beforeEach, afterEach } = bdd()
  const { cleanup } = options
  describe(`Store contract: ${name}`, function () {
    const h = {} as StoreHandle
    beforeEach(async function () {
      h.store = await makeStore()
    })
    afterEach(async function () {
      const store = h.store
      if (!store) return
      h.store = undefined as unknown as Store
      try {
        if (cleanup) await cleanup(store)
      } finally {
        await store.close()
      }
    })
    describe('accounts', () => accountTests(h))
    describe('account listings', () => listingTests(h))
    describe('sessions', () => sessionTests(h))
    describe('tokens', () => tokenTests(h))
    describe('identities', () => identityTests(h))
    describe('identity listings', () => identityListingTests(h))
    describe('single-use values', () => onceTests(h))
    describe('security log', () => logTests(h))
    describe('counters', () => {
      counterTests(h)
      peekTests(h)
    })
  })
}
