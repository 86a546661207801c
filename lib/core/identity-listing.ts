import { AccountsError } from '../errors.js'
import { parseIdentityQueries } from '../queries/parse-identity-queries.js'
import type { IdentityPage } from '../store/store.js'
import type { CoreContext } from './context.js'

/** Options of an identity listing beyond its queries. */
export interface ListIdentitiesOptions {
  /** Words every listed identity has a term starting with (its id, userId, provider, providerUid, providerEmail); see docs/queries.md. */
  search?: string
  /** False: don't count the matches (`total` is 0), as the Users API's `total=false`. Default true. */
  total?: boolean
}

/**
 * Listing and searching the OAuth2 identities of every account with Appwrite's query language
 * (node-appwrite's `Users.listIdentities`). Bad queries are 400s, an unknown cursor
 * `400 general_cursor_not_found`.
 */
export class IdentityListing {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  async list(queries: readonly string[] | unknown = [], options: ListIdentitiesOptions = {}): Promise<IdentityPage> {
    const query = parseIdentityQueries(queries, options.search, options.total ?? true)
    const page = await this.#ctx.store.queryIdentities(query)
    if (!page) throw new AccountsError('general_cursor_not_found')
    return page
  }
}
