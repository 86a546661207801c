import type { IdentityAttribute, IdentityQuery } from '../store/identity-query.js'
import { parseQueries, type QuerySchema } from './parse-queries.js'

/**
 * Appwrite's `Identities::ALLOWED_ATTRIBUTES`. `providerAccessTokenExpiry` is the only one that
 * can be null (a provider that gave no expiry); an identity without a provider email has `''`.
 */
const IDENTITIES: QuerySchema<IdentityAttribute> = {
  kinds: {
    userId: 'string', provider: 'string', providerUid: 'string', providerEmail: 'string',
    providerAccessTokenExpiry: 'datetime',
  },
  nullable: ['providerAccessTokenExpiry'],
  unordered: [],
}

/**
 * Reads the `queries[]` and `search` params of the Users service's `listIdentities` into an
 * {@link IdentityQuery}. Everything it does not support is a 400 (see `parseQueries`), never a
 * silently wider listing. docs/queries.md.
 */
export function parseIdentityQueries(queries: unknown, search?: unknown, total = true): IdentityQuery {
  return parseQueries(IDENTITIES, queries, search, total)
}
