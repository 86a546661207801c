import type { AccountFilter, AccountQuery, ListFilter, QueryAttribute, QueryValue } from './account-query.js'
import type { AccountRecord } from './store.js'

/**
 * The order-preserving encoding behind account listings, shared by MemoryStore (which sorts
 * these strings) and RedisStore (which keeps them in sorted sets and checks them in Lua), so
 * both stores list in exactly the same order.
 *
 * Every indexed value becomes a string that compares bytewise like the value itself and holds
 * only `[0-9a-f]`: strings as the hex of their UTF-8 bytes (hex keeps the byte order and the
 * prefix relation, and can never contain the `\0` / `\1` / `,` separators), booleans as `0`/`1`,
 * times as 16-digit zero-padded epoch ms. `''` is null: an account without email or phone, or
 * one that never set a password (`passwordUpdate`). An index entry ("member") of attribute A
 * is `<A>\0<registration>\0<id>`: within one value, accounts come in registration order. A
 * search term's entry carries the account's terms after that (`\0<terms>`), so a search checks
 * its other words on the entry itself; it sorts as `<term>\0<registration>\0<id>` would.
 */

/** Doc fields, in order; the doc is these fields joined by `\1`. */
export const DOC_FIELDS = [
  'gen', 'registration', 'name', 'email', 'phone', 'status', 'emailVerification', 'phoneVerification',
  'impersonator', 'accessedAt', 'passwordUpdate', 'labels', 'terms',
] as const
type DocField = (typeof DOC_FIELDS)[number]

/** Attributes that have an index (`labels` and search terms have one entry per value). */
export const INDEXED = [
  'registration', 'name', 'email', 'phone', 'status', 'emailVerification', 'phoneVerification',
  'impersonator', 'accessedAt', 'passwordUpdate', 'labels', 'terms',
] as const
export type IndexName = (typeof INDEXED)[number]

/** Attributes whose empty value means null (Appwrite stores null there). */
export const NULLABLE: readonly QueryAttribute[] = ['email', 'phone', 'passwordUpdate']
const STRINGS: readonly QueryAttribute[] = ['name', 'email', 'phone', 'labels']
const TIMES: readonly QueryAttribute[] = ['registration', 'accessedAt', 'passwordUpdate']

export const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex')
export const time = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(16, '0')

/** Encodes one query value of `attribute` (the parser has checked its type). */
export function encodeValue(attribute: QueryAttribute, value: QueryValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (TIMES.includes(attribute)) return time(Number(value))
  if (STRINGS.includes(attribute)) return hex(String(value))
  throw new TypeError(`account index: a ${typeof value} is not a value of ${attribute}`)
}

const WORD = /[^\p{L}\p{N}]+/u

/** A search text as the words every match must start a term with: lowercased, split on anything but letters and digits. */
export function searchWords(text: string): string[] {
  return [...new Set(text.toLowerCase().split(WORD).filter((w) => w !== ''))]
}

/**
 * What `search` finds an account by: the words of its id, name, email and phone, lowercased.
 * (A search word holds only letters and digits, so it can start a whole value only by starting
 * its first word: the whole values would add entries and never a match.)
 */
export function searchTerms(a: Pick<AccountRecord, 'id' | 'name' | 'email' | 'phone'>): string[] {
  const terms = new Set<string>()
  for (const value of [a.id, a.name, a.email, a.phone]) {
    for (const w of value.toLowerCase().split(WORD)) if (w !== '') terms.add(w)
  }
  return [...terms].sort()
}

/** `createdAt` and `rev` as one sortable string: a later write of an account has a greater generation. */
export const generation = (a: Pick<AccountRecord, 'createdAt' | 'rev'>): string =>
  `${time(a.createdAt)}.${String(a.rev).padStart(12, '0')}`
/** The generation of a deleted account: above every write of that incarnation, below a later one. */
export const deletedGeneration = (a: Pick<AccountRecord, 'createdAt'>): string => `${time(a.createdAt)}.~`

/** The indexed fields of an account, encoded. */
export type IndexDoc = Record<DocField, string> & { id: string; labelList: string[]; termList: string[] }

export function indexDoc(a: AccountRecord): IndexDoc {
  // `impersonator` is added by the Users service; older records lack it (= false).
  const impersonator = (a as AccountRecord & { impersonator?: unknown }).impersonator === true
  const labelList = [...new Set(a.labels.map(hex))].sort()
  // Sorted as hex, i.e. by UTF-8 bytes as Redis compares them (JS's UTF-16 order differs past
  // U+FFFF): a search lists an account at its first matching term in this order, and the
  // overlaps index (redis-account-index-scripts.ts) needs an account's matching terms adjacent.
  const termList = searchTerms(a).map(hex).sort()
  return {
    id: a.id,
    gen: generation(a),
    registration: time(a.registration),
    name: hex(a.name),
    email: hex(a.email),
    phone: hex(a.phone),
    status: a.status ? '1' : '0',
    emailVerification: a.emailVerification ? '1' : '0',
    phoneVerification: a.phoneVerification ? '1' : '0',
    impersonator: impersonator ? '1' : '0',
    accessedAt: time(a.accessedAt),
    passwordUpdate: a.passwordUpdatedAt == null ? '' : time(a.passwordUpdatedAt),
    labels: labelList.join(','),
    terms: termList.join(','),
    labelList,
    termList,
  }
}

export const docString = (d: IndexDoc): string => DOC_FIELDS.map((f) => d[f]).join('\u0001')

/**
 * A filter with its values encoded as its doc field holds them, as the Redis scripts and the
 * memory stores check it (accounts and identities alike).
 */
export interface EncodedListFilter<F extends string> {
  op: ListFilter<F>['op']
  field: F
  values: string[]
}

/** An account filter, encoded. */
export type EncodedFilter = EncodedListFilter<QueryAttribute>

/** Encodes each filter's values with `encode` (the listing's own value encoding). */
export function encodeListFilters<A extends string>(filters: ListFilter<A>[], encode: (attribute: A, value: QueryValue) => string): EncodedListFilter<A>[] {
  return filters.map((f) => {
    const field = f.attribute
    switch (f.op) {
      case 'equal': case 'notEqual': case 'contains':
        return { op: f.op, field, values: f.values.map((v) => encode(f.attribute, v)) }
      case 'between':
        return { op: f.op, field, values: [encode(f.attribute, f.low), encode(f.attribute, f.high)] }
      case 'isNull': case 'isNotNull':
        return { op: f.op, field, values: [] }
      default:
        return { op: f.op, field, values: [encode(f.attribute, f.value)] }
    }
  })
}

export function encodeFilters(filters: AccountFilter[]): EncodedFilter[] {
  return encodeListFilters(filters, encodeValue)
}

/**
 * Whether an encoded doc value `v` passes filter `f`. SQL's null semantics: on a `nullable`
 * field a null value (`''`) matches no comparison, only `isNull`.
 */
export function matchesEncoded(v: string, f: EncodedListFilter<string>, nullable: boolean): boolean {
  if (f.op === 'isNull') return v === ''
  if (f.op === 'isNotNull') return v !== ''
  if (v === '' && nullable) return false
  const [a, b] = f.values as [string, string]
  switch (f.op) {
    case 'equal': return f.values.includes(v)
    case 'notEqual': return !f.values.includes(v)
    case 'lessThan': return v < a
    case 'lessThanEqual': return v <= a
    case 'greaterThan': return v > a
    case 'greaterThanEqual': return v >= a
    case 'between': return v >= a && v <= b
    case 'startsWith': return v.startsWith(a)
    default: return false
  }
}

export function matchesFilter(d: IndexDoc, f: EncodedFilter): boolean {
  if (f.field === 'labels') return f.values.some((v) => d.labelList.includes(v))
  return matchesEncoded(d[f.field], f, NULLABLE.includes(f.field))
}

/** The search word whose term range drives a search listing: the longest, the first of equals. */
export function drivingWord(words: string[]): string {
  return words.reduce((best, w) => (w.length > best.length ? w : best), '')
}

/** Every search word (hex) starts one of the doc's terms (accounts' and identities' docs alike). */
export function matchesSearch(d: { termList: string[] }, hexWords: string[]): boolean {
  return hexWords.every((w) => d.termList.some((t) => t.startsWith(w)))
}

/**
 * How a query lists: the index whose order it follows, the value prefix (`''` = all) that
 * bounds it, whether it is walked backwards, and the filter the bound already implies
 * (`drivenBy`, -1 = none). `mode`: `field` orders by the index's value, `exact` walks one value
 * (so in registration order), `terms` is a search. See `AccountQuery.order`.
 */
export interface ListingOrder {
  index: IndexName
  prefix: string
  desc: boolean
  mode: 'field' | 'exact' | 'terms'
  drivenBy: number
}

export function listingOrder(q: AccountQuery): ListingOrder {
  if (q.order) return { index: q.order.attribute, prefix: '', desc: q.order.desc, mode: 'field', drivenBy: -1 }
  if (q.search.length > 0) return { index: 'terms', prefix: hex(drivingWord(q.search)), desc: false, mode: 'terms', drivenBy: -1 }
  const starts = q.filters.findIndex((f) => f.op === 'startsWith' && f.value !== '')
  const s = q.filters[starts]
  if (s?.op === 'startsWith') {
    return { index: s.attribute as IndexName, prefix: hex(s.value), desc: false, mode: 'field', drivenBy: starts }
  }
  // One wanted value (not null: a null matches no `equal`) walks just that value's entries.
  const exact = q.filters.findIndex((f) => (f.op === 'equal' || f.op === 'contains') && f.values.length === 1 &&
    encodeValue(f.attribute, f.values[0]!) !== '')
  const e = q.filters[exact]
  if (e && (e.op === 'equal' || e.op === 'contains')) {
    const prefix = `${encodeValue(e.attribute, e.values[0]!)}\u0000`
    return { index: e.attribute as IndexName, prefix, desc: false, mode: 'exact', drivenBy: exact }
  }
  return { index: 'registration', prefix: '', desc: false, mode: 'field', drivenBy: -1 }
}

/**
 * The account's position in a listing, as its entry in the listing's index compares (for a
 * search, its smallest term under the prefix; null when it has none, i.e. is not listed).
 */
export function sortKey(d: IndexDoc, order: ListingOrder): string | null {
  const tail = `${d.registration}\u0000${d.id}`
  if (order.mode === 'exact') return `${order.prefix}${tail}`
  if (order.mode === 'terms') {
    const t = d.termList.find((x) => x.startsWith(order.prefix))
    return t === undefined ? null : `${t}\u0000${tail}`
  }
  return `${d[order.index as Exclude<IndexName, 'labels' | 'terms'>]}\u0000${tail}`
}
