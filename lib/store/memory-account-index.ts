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
    const matched: { key: string; id: string }[] = []
    for (const d of this.#docs.values()) {
      if (!filters.every((f) => matchesFilter(d, f)) || !matchesSearch(d, words)) continue
      matched.push({ key: sortKey(d, order)!, id: d.id })
    }
    matched.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    if (order.desc) matched.reverse()
    let list = matched
    if (q.cursor) {
      const doc = this.#docs.get(q.cursor.id)
      const key = doc ? sortKey(doc, order) : null
      if (key === null) return null
      const before = (k: string) => (order.desc ? k > key : k < key)
      const after = (k: string) => (order.desc ? k < key : k > key)
      list = q.cursor.before ? matched.filter((m) => before(m.key)).reverse() : matched.filter((m) => after(m.key))
    }
    let page = list.slice(q.offset, q.offset + q.limit)
    if (q.cursor?.before) page = page.reverse()
    return { total: q.total ? Math.min(matched.length, TOTAL_CAP) : 0, ids: page.map((m) => m.id) }
  }
}
