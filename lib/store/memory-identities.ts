import { hex, matchesSearch } from './account-index.js'
import {
  encodeIdentityFilters, identityDoc, identityListingOrder, identitySortKey, matchesIdentityFilter,
  type IdentityDoc,
} from './identity-index.js'
import type { IdentityQuery } from './identity-query.js'
import { pageOfDocs } from './memory-account-index.js'
import type { IdentityPage, IdentityRecord } from './store.js'

type InsertIdentityResult = { ok: true } | { ok: false; conflict: 'identity' | 'missing' }

/** Oldest first; ties broken by id, as in RedisStore. */
const byCreation = (a: IdentityRecord, b: IdentityRecord): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Unambiguous for any provider / uid (neither can forge the separator of the other). */
const pairKey = (provider: string, providerUid: string): string => JSON.stringify([provider, providerUid])

/**
 * {@link MemoryStore}'s OAuth2 identities: kept as JSON like everything else in it, with a
 * (provider, uid) → owner index that is updated in the same synchronous step as the identity,
 * so it is never stale. Synchronous; the store wraps it in its async methods.
 */
export class MemoryIdentities {
  /** account id → identity id → identity JSON */
  readonly #byAccount = new Map<string, Map<string, string>>()
  /** `pairKey` → the identity owning the pair */
  readonly #owners = new Map<string, { accountId: string; identityId: string }>()
  /** identity id → its account (ids are generated, unique in practice; a lookup re-checks) */
  readonly #accountOf = new Map<string, string>()
  /** identity id → its encoded fields for listings (`identity-index.ts`), kept in the same step as the identity */
  readonly #docs = new Map<string, IdentityDoc>()

  insert(identity: IdentityRecord, accountExists: boolean): InsertIdentityResult {
    if (!accountExists) return { ok: false, conflict: 'missing' }
    const pair = pairKey(identity.provider, identity.providerUid)
    let mine = this.#byAccount.get(identity.accountId)
    // An identity id already in use counts as taken too: overwriting it would orphan its claim.
    if (this.#owners.has(pair) || mine?.has(identity.id)) return { ok: false, conflict: 'identity' }
    if (!mine) this.#byAccount.set(identity.accountId, (mine = new Map()))
    mine.set(identity.id, JSON.stringify(identity))
    this.#owners.set(pair, { accountId: identity.accountId, identityId: identity.id })
    this.#accountOf.set(identity.id, identity.accountId)
    this.#docs.set(identity.id, identityDoc(identity, 0))
    return { ok: true }
  }

  findOwner(provider: string, providerUid: string): string | null {
    return this.#owners.get(pairKey(provider, providerUid))?.accountId ?? null
  }

  list(accountId: string): IdentityRecord[] {
    const mine = this.#byAccount.get(accountId)
    return mine ? [...mine.values()].map((json) => JSON.parse(json) as IdentityRecord).sort(byCreation) : []
  }

  get(accountId: string, identityId: string): IdentityRecord | null {
    const json = this.#byAccount.get(accountId)?.get(identityId)
    return json === undefined ? null : (JSON.parse(json) as IdentityRecord)
  }

  find(identityId: string): IdentityRecord | null {
    const accountId = this.#accountOf.get(identityId)
    return accountId === undefined ? null : this.get(accountId, identityId)
  }

  replace(identity: IdentityRecord): boolean {
    const cur = this.get(identity.accountId, identity.id)
    if (!cur) return false
    if (cur.provider !== identity.provider || cur.providerUid !== identity.providerUid) {
      throw new TypeError('replaceIdentity: provider and providerUid must not change')
    }
    this.#byAccount.get(identity.accountId)!.set(identity.id, JSON.stringify(identity))
    this.#docs.set(identity.id, identityDoc(identity, 0))
    return true
  }

  delete(accountId: string, identityId: string): boolean {
    const cur = this.get(accountId, identityId)
    if (!cur) return false
    const mine = this.#byAccount.get(accountId)!
    mine.delete(identityId)
    if (mine.size === 0) this.#byAccount.delete(accountId)
    this.#owners.delete(pairKey(cur.provider, cur.providerUid))
    if (this.#accountOf.get(identityId) === accountId) {
      this.#accountOf.delete(identityId)
      this.#docs.delete(identityId)
    }
    return true
  }

  /** The page of every account's identities the query selects; null when the cursor names no listed identity. */
  query(q: IdentityQuery): IdentityPage | null {
    const filters = encodeIdentityFilters(q.filters)
    const words = q.search.map(hex)
    const order = identityListingOrder(q)
    const found = pageOfDocs(this.#docs, q, order.desc,
      (d) => filters.every((f) => matchesIdentityFilter(d, f)) && matchesSearch(d, words), (d) => identitySortKey(d, order))
    if (!found) return null
    return { total: found.total, identities: found.ids.map((id) => this.find(id)!) }
  }

  /** All of the account's identities and their claims (account deletion). */
  deleteAll(accountId: string): void {
    for (const i of this.list(accountId)) this.delete(accountId, i.id)
  }
}
