import type { AccountQuery, QueryAttribute } from '../store/account-query.js'
import { parseQueries, type QuerySchema } from './parse-queries.js'

export { DEFAULT_LIMIT, MAX_QUERIES, MAX_SEARCH_LENGTH } from './parse-queries.js'

/** The account attributes of Appwrite's `Users::ALLOWED_ATTRIBUTES` a listing answers (and ours, `impersonator`). */
const ACCOUNTS: QuerySchema<QueryAttribute> = {
  kinds: {
    name: 'string', email: 'string', phone: 'string', labels: 'labels',
    status: 'boolean', emailVerification: 'boolean', phoneVerification: 'boolean', impersonator: 'boolean',
    registration: 'datetime', accessedAt: 'datetime', passwordUpdate: 'datetime',
  },
  nullable: ['email', 'phone', 'passwordUpdate'],
  unordered: ['labels'],
}

/**
 * Reads the `queries[]` and `search` params of a Users `list` into an {@link AccountQuery}.
 * Everything it does not support is a 400 (see `parseQueries`). docs/queries.md.
 */
export function parseAccountQueries(queries: unknown, search?: unknown, total = true): AccountQuery {
  // The schema leaves `labels` unordered, so `order` never names it (what AccountQuery says).
  return parseQueries(ACCOUNTS, queries, search, total) as AccountQuery
}
