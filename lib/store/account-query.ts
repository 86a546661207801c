/**
 * A parsed account listing, as the core hands it to a store (`Store.queryAccounts`). The
 * parser (`lib/queries/parse-account-queries.ts`) has checked every attribute, operator and
 * value, so a store never sees an unknown attribute. Times are epoch milliseconds.
 */

/** Attributes a listing may filter or order on. `labels` filters only (`contains`). */
export const QUERY_ATTRIBUTES = [
  'name', 'email', 'phone', 'status', 'passwordUpdate', 'registration', 'emailVerification',
  'phoneVerification', 'labels', 'impersonator', 'accessedAt',
] as const
/** One of {@link QUERY_ATTRIBUTES}. */
export type QueryAttribute = (typeof QUERY_ATTRIBUTES)[number]

/** A value compared in a filter. */
export type QueryValue = string | number | boolean

/**
 * One filter of a listing over attributes `A` (accounts: {@link QueryAttribute}; identities:
 * `IdentityAttribute`); a record must match every filter of a query.
 */
export type ListFilter<A extends string> =
  /** The attribute equals one of `values` (`notEqual`: none of them). */
  | { op: 'equal' | 'notEqual'; attribute: A; values: QueryValue[] }
  | { op: 'lessThan' | 'lessThanEqual' | 'greaterThan' | 'greaterThanEqual'; attribute: A; value: QueryValue }
  /** Inclusive on both ends. */
  | { op: 'between'; attribute: A; low: QueryValue; high: QueryValue }
  /** Case-sensitive prefix of a string attribute. */
  | { op: 'startsWith'; attribute: A; value: string }
  /** The (array) attribute holds one of `values`: accounts' `labels`. */
  | { op: 'contains'; attribute: A; values: string[] }
  /** Only a nullable attribute (accounts' `email`, `phone`, `passwordUpdate`) can be null. */
  | { op: 'isNull' | 'isNotNull'; attribute: A }

/** One account filter. */
export type AccountFilter = ListFilter<QueryAttribute>

/**
 * A listing's filters, search, order and page over attributes `A`, checked and parsed. `O`:
 * the attributes it may be ordered by.
 */
export interface ListQuery<A extends string, O extends A = A> {
  filters: ListFilter<A>[]
  /** Lowercased words (`searchWords()`); a record matches when every word is a prefix of one of its search terms. `[]` = no search. */
  search: string[]
  /** Order of the results, ties broken by the listing's default order (see the store method). `null`: the default order. */
  order: { attribute: O; desc: boolean } | null
  /** Page size, 0..5000. */
  limit: number
  /** Matches skipped before the page, 0..5000. */
  offset: number
  /** The page starts right after (or ends right before) this record, in the query's order. */
  cursor: { id: string; before: boolean } | null
  /** Count the matches (up to {@link TOTAL_CAP}); false answers `total: 0` without counting. */
  total: boolean
}

/** A listing's filters, search, order and page, checked and parsed (what `Store.queryAccounts` gets). */
export interface AccountQuery {
  filters: AccountFilter[]
  /**
   * Lowercased words (`searchWords()`); an account matches when every word is a prefix of one of
   * its search terms (`searchTerms()`). `[]` = no search.
   */
  search: string[]
  /**
   * Order of the results, ties broken by `registration` then id. `null`: by `registration`
   * ascending, except that a `startsWith` filter or a search without an order lists in the order
   * of the matched value (see docs/queries.md).
   */
  order: { attribute: Exclude<QueryAttribute, 'labels'>; desc: boolean } | null
  /** Page size, 0..5000. */
  limit: number
  /** Matches skipped before the page, 0..5000. */
  offset: number
  /** The page starts right after (or ends right before) this account, in the query's order. */
  cursor: { id: string; before: boolean } | null
  /** Count the matches (up to {@link TOTAL_CAP}); false answers `total: 0` without counting. */
  total: boolean
}

/** Appwrite's `APP_LIMIT_COUNT`: totals are counted up to this many matches, like Appwrite does. */
export const TOTAL_CAP = 5000
