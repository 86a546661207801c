import { AccountsError } from '../errors.js'
import { parseAccountQueries } from '../queries/parse-account-queries.js'
import type { AccountPage } from '../store/store.js'
import type { CoreContext } from './context.js'

/** Options of a listing beyond its queries. */
export interface ListAccountsOptions {
  /** Words every listed account has a term starting with (id, name, email, phone); see docs/queries.md. */
  search?: string
  /** False: don't count the matches (`total` is 0), as the Users API's `total=false`. Default true. */
  total?: boolean
}

/**
 * Listing and searching accounts with Appwrite's query language (the strings node-appwrite's
 * `Query` builds). Bad queries are 400s, an unknown cursor `400 general_cursor_not_found`.
 */
export class AccountListing {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  async list(queries: readonly string[] | unknown = [], options: ListAccountsOptions = {}): Promise<AccountPage> {
    const query = parseAccountQueries(queries, options.search, options.total ?? true)
    const page = await this.#ctx.store.queryAccounts(query)
    if (!page) throw new AccountsError('general_cursor_not_found')
    return page
  }
}
