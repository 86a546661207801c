import {
  encodeFilters, hex, indexDoc, listingOrder, matchesFilter, matchesSearch, sortKey,
  type IndexDoc,
} from './account-index.js'
import { TOTAL_CAP, type AccountQuery } from './account-query.js'
import type { AccountRecord } from './store.js'

/**
 * MemoryStore's account listings: the encoded fields of every account, filtered and sorted on
 * each query (O(n log n); the memory store is for development and tests). Same encoding and
 * order as RedisStore's sorted sets (`account-index.ts`).
 */
export class MemoryAccountIndex {
  readonly #docs = new Map<string, IndexDoc>()

  put(account: AccountRecord): void {
    this.#docs.set(account.id, indexDoc(account))
  }

  remove(id: string): void {
    this.#docs.delete(id)
  }

  /** The ids of the page and the total; null when the cursor names no account (or, in a search listing, one outside it). */
  query(q: AccountQuery): { total: number; ids: string[] } | null {
    const filters = encodeFilters(q.filters)
    const words = q.search.map(hex)
    const order = listingOrder(q)
    return pageOfDocs(this.#docs, q, order.desc, (d) => filters.every((f) => matchesFilter(d, f)) && matchesSearch(d, words),
      (d) => sortKey(d, order))
  }
}

/**
 * The page a listing selects from `docs` (sorted on every query: the memory store is for
 * development and tests), the same for accounts and identities: `matches` filters, `key` is a
 * doc's position in the listing (null: not listed). Null when the cursor names no listed doc.
 */
export function pageOfDocs<D extends { id: string }>(
  docs: ReadonlyMap<string, D>,
  q: Pick<AccountQuery, 'cursor' | 'offset' | 'limit' | 'total'>,
  desc: boolean,
  matches: (d: D) => boolean,
  key: (d: D) => string | null,
): { total: number; ids: string[] } | null {
  const matched: { key: string; id: string }[] = []
  for (const d of docs.values()) {
    if (matches(d)) matched.push({ key: key(d)!, id: d.id })
  }
  matched.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  if (desc) matched.reverse()
  let list = matched
  if (q.cursor) {
    const doc = docs.get(q.cursor.id)
    const at = doc ? key(doc) : null
    if (at === null) return null
    const before = (k: string) => (desc ? k > at : k < at)
    const after = (k: string) => (desc ? k < at : k > at)
    list = q.cursor.before ? matched.filter((m) => before(m.key)).reverse() : matched.filter((m) => after(m.key))
  }
  let page = list.slice(q.offset, q.offset + q.limit)
  if (q.cursor?.before) page = page.reverse()
  return { total: q.total ? Math.min(matched.length, TOTAL_CAP) : 0, ids: page.map((m) => m.id) }
}
