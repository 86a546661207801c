import { drivingWord, encodeListFilters, hex, matchesEncoded, time, type EncodedListFilter } from './account-index.js'
import type { ListFilter, QueryValue } from './account-query.js'
import type { IdentityAttribute, IdentityQuery } from './identity-query.js'
import type { IdentityRecord } from './store.js'

/**
 * The order-preserving encoding behind identity listings, shared by MemoryStore and RedisStore
 * (which keeps it in sorted sets under `{ix}` and checks it in Lua) so both list in exactly the
 * same order. Same encoding as account listings (`account-index.ts`): strings as the hex of
 * their UTF-8 bytes, times as 16-digit epoch ms, `''` = null (an identity whose provider gave
 * no access-token expiry). An index entry of attribute A is `<A>\0<createdAt>\0<id>`: within
 * one value, identities come oldest first.
 */

/** Doc fields, in order; the doc is these fields joined by `\1` (Lua reads field i at index i). */
export const IDENTITY_DOC_FIELDS = [
  'gen', 'createdAt', 'userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessTokenExpiry', 'terms',
] as const
type DocField = (typeof IDENTITY_DOC_FIELDS)[number]

/** Attributes that have an index (search terms have one entry per term). */
export const IDENTITY_INDEXED = [
  'createdAt', 'userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessTokenExpiry', 'terms',
] as const
export type IdentityIndexName = (typeof IDENTITY_INDEXED)[number]

const WORD = /[^\p{L}\p{N}]+/u

/** What `search` finds an identity by: the words of its id, account id, provider, provider uid and provider email, lowercased. */
export function identitySearchTerms(i: IdentityRecord): string[] {
  const terms = new Set<string>()
  for (const value of [i.id, i.accountId, i.provider, i.providerUid, i.providerEmail]) {
    for (const w of value.toLowerCase().split(WORD)) if (w !== '') terms.add(w)
  }
  return [...terms].sort()
}

/**
 * `createdAt` and a write counter as one sortable string: a later write of an identity has a
 * greater generation. RedisStore counts the writes (`replaceIdentity`) in the account's slot.
 */
export const identityGeneration = (i: Pick<IdentityRecord, 'createdAt'>, rev: number): string =>
  `${time(i.createdAt)}.${String(rev).padStart(12, '0')}`
/** The generation of a deleted identity: above every write of it, below an identity created later with its id. */
export const deletedIdentityGeneration = (i: Pick<IdentityRecord, 'createdAt'>): string => `${time(i.createdAt)}.~`

/** The indexed fields of an identity, encoded. */
export type IdentityDoc = Record<DocField, string> & { id: string; termList: string[] }

export function identityDoc(i: IdentityRecord, rev: number): IdentityDoc {
  const termList = identitySearchTerms(i).map(hex)
  return {
    id: i.id,
    gen: identityGeneration(i, rev),
    createdAt: time(i.createdAt),
    userId: hex(i.accountId),
    provider: hex(i.provider),
    providerUid: hex(i.providerUid),
    providerEmail: hex(i.providerEmail),
    providerAccessTokenExpiry: i.providerAccessTokenExpiry == null ? '' : time(i.providerAccessTokenExpiry),
    terms: termList.join(','),
    termList,
  }
}

export const identityDocString = (d: IdentityDoc): string => IDENTITY_DOC_FIELDS.map((f) => d[f]).join('\u0001')

function encodeValue(attribute: IdentityAttribute, value: QueryValue): string {
  if (attribute === 'providerAccessTokenExpiry') return time(Number(value))
  return hex(String(value))
}

/** An identity filter, encoded. */
export type EncodedIdentityFilter = EncodedListFilter<IdentityAttribute>

export function encodeIdentityFilters(filters: ListFilter<IdentityAttribute>[]): EncodedIdentityFilter[] {
  return encodeListFilters(filters, encodeValue)
}

/** As for accounts (`matchesEncoded`): a null expiry matches no comparison, only `isNull`. */
export function matchesIdentityFilter(d: IdentityDoc, f: EncodedIdentityFilter): boolean {
  return matchesEncoded(d[f.field], f, f.field === 'providerAccessTokenExpiry')
}

/** How an identity query lists; the same rules as account listings (`ListingOrder` in account-index.ts). */
export interface IdentityListingOrder {
  index: IdentityIndexName
  prefix: string
  desc: boolean
  mode: 'field' | 'exact' | 'terms'
  drivenBy: number
}

export function identityListingOrder(q: IdentityQuery): IdentityListingOrder {
  if (q.order) return { index: q.order.attribute, prefix: '', desc: q.order.desc, mode: 'field', drivenBy: -1 }
  if (q.search.length > 0) return { index: 'terms', prefix: hex(drivingWord(q.search)), desc: false, mode: 'terms', drivenBy: -1 }
  const starts = q.filters.findIndex((f) => f.op === 'startsWith' && f.value !== '')
  const s = q.filters[starts]
  if (s?.op === 'startsWith') return { index: s.attribute, prefix: hex(s.value), desc: false, mode: 'field', drivenBy: starts }
  // One wanted value (not null: a null matches no `equal`) walks just that value's entries.
  const exact = q.filters.findIndex((f) => f.op === 'equal' && f.values.length === 1 && encodeValue(f.attribute, f.values[0]!) !== '')
  const e = q.filters[exact]
  if (e?.op === 'equal') {
    return { index: e.attribute, prefix: `${encodeValue(e.attribute, e.values[0]!)}\u0000`, desc: false, mode: 'exact', drivenBy: exact }
  }
  return { index: 'createdAt', prefix: '', desc: false, mode: 'field', drivenBy: -1 }
}

/** The identity's position in a listing (for a search, its smallest term under the prefix; null when it has none). */
export function identitySortKey(d: IdentityDoc, order: IdentityListingOrder): string | null {
  const tail = `${d.createdAt}\u0000${d.id}`
  if (order.mode === 'exact') return `${order.prefix}${tail}`
  if (order.mode === 'terms') {
    const t = d.termList.find((x) => x.startsWith(order.prefix))
    return t === undefined ? null : `${t}\u0000${tail}`
  }
  return `${d[order.index as Exclude<IdentityIndexName, 'terms'>]}\u0000${tail}`
}
