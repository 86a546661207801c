/**
 * The one Store contract suite. Every store runs it (see `*-store.test.ts`), so the core can
 * rely on the same observable behaviour, including the atomicity promised in store.ts.
 */
import type { Store } from '../../lib/store/store.js'
import { accountTests } from './contract-accounts.js'
import { counterTests, peekTests } from './contract-counters.js'
import { identityTests } from './contract-identities.js'
import { onceTests } from './contract-once.js'
import { sessionTests } from './contract-sessions.js'
import { tokenTests } from './contract-tokens.js'
import type { StoreHandle } from './fixtures.js'

/**
 * @param makeStore a fresh, empty store; called before every test.
 * @param cleanup   called after every test, before `store.close()` (e.g. delete its keys).
 */
export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void>,
): void {
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
    describe('sessions', () => sessionTests(h))
    describe('tokens', () => tokenTests(h))
    describe('identities', () => identityTests(h))
    describe('single-use values', () => onceTests(h))
    describe('counters', () => {
      counterTests(h)
      peekTests(h)
    })
  })
}
