import type { ListQuery } from './account-query.js'

/**
 * A parsed listing of every account's identities, as the core hands it to a store
 * (`Store.queryIdentities`). The parser (`lib/queries/parse-identity-queries.ts`) has checked
 * every attribute, operator and value. Times are epoch milliseconds.
 */

/** Attributes an identity listing may filter and order on: Appwrite's `Identities::ALLOWED_ATTRIBUTES`. */
export const IDENTITY_QUERY_ATTRIBUTES = [
  'userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessTokenExpiry',
] as const
/** One of {@link IDENTITY_QUERY_ATTRIBUTES}. */
export type IdentityAttribute = (typeof IDENTITY_QUERY_ATTRIBUTES)[number]

/**
 * An identity listing's filters, search, order and page. `search` words match the words of the
 * identity's id, `userId`, `provider`, `providerUid` and `providerEmail`. Ties in `order` are
 * broken by `createdAt` then id; `null` orders by `createdAt` ascending, except that a
 * `startsWith` filter or a search without an order lists in the order of the matched value,
 * as account listings do (docs/queries.md).
 */
export type IdentityQuery = ListQuery<IdentityAttribute>
