/**
 * `express-accounts/testing`: the Store contract suite for store authors (see docs/store.md),
 * and the record factories it uses, for tests of your own.
 */
export { storeContract, type StoreContractOptions } from './store-contract.js'
export { makeAccount, makeIdentity, makeSession, makeToken } from './fixtures.js'
