import { hex } from './account-index.js'
import { TOTAL_CAP } from './account-query.js'
import {
  deletedIdentityGeneration, encodeIdentityFilters, identityDoc, identityDocString, identityGeneration, identityListingOrder,
  IDENTITY_DOC_FIELDS, IDENTITY_INDEXED, type IdentityIndexName,
} from './identity-index.js'
import type { IdentityQuery } from './identity-query.js'
import { applyScript, queryScript, type IndexLayout } from './redis-identity-index-scripts.js'
import { str, type RedisConnection } from './redis-connection.js'
import type { IdentityRecord } from './store.js'

/**
 * `identity-index.ts`'s IDENTITY_DOC_FIELDS: 6 scalars (createdAt … providerAccessTokenExpiry),
 * terms (8); a page carries each identity's account id (3), where its record lives.
 */
const LAYOUT: IndexLayout = { scalars: 6, lists: [8], labels: 0, terms: 8, nullable: [7], carry: 3 }
const APPLY = applyScript(LAYOUT)
const QUERY = queryScript(LAYOUT)

/** How long a deleted identity's generation is kept, so an index write still in flight can't bring it back. */
const TOMBSTONE_MS = 3_600_000

/** One listed identity: its id and the account whose slot holds its record. */
export interface IdentityHit { id: string; accountId: string }

/**
 * RedisStore's listing of every account's identities: sorted sets of encoded values
 * (`identity-index.ts`) under the `{ix}` hash tag, as the account index keeps them
 * (`redis-account-index.ts`), read with `ZRANGEBYLEX` in one script per page, never a keyspace
 * walk. Same consistency as the account index: an identity lives in its account's slot
 * (`{a:<id>}`) and the index in `{ix}`, so the index is written by a second script right after
 * each identity write (insert, replace, delete, account deletion), carrying the identity's
 * generation (`createdAt` and the write count `replaceIdentity` keeps beside it), so a late or
 * repeated write never rolls the index back. A process that dies between the two leaves that
 * one identity's entry stale until its next write or `reindexAccounts()`; a listed identity
 * that no longer exists is left out of the page.
 *
 * Keys under P: `P{ix}:idn:doc`, `P{ix}:idn:gone` / `P{ix}:idn:gone-at` (tombstones),
 * `P{ix}:idn:i:<attribute>`, `P{ix}:idn:ready` (set once the identities stored before this
 * index existed have been indexed, by `reindexAccounts()`).
 */
export class RedisIdentityIndex {
  readonly #conn: RedisConnection
  readonly #prefix: string
  readonly #rebuild: () => Promise<unknown>
  #ready: Promise<void> | null = null

  /** `rebuild`: walks every account and indexes its identities (`RedisStore.reindexAccounts`), then calls `built()`. */
  constructor(conn: RedisConnection, prefix: string, rebuild: () => Promise<unknown>) {
    this.#conn = conn
    this.#prefix = prefix
    this.#rebuild = rebuild
  }

  #key(suffix: string): string {
    return `${this.#prefix}{ix}:idn:${suffix}`
  }

  #applyKeys(): string[] {
    return [this.#key('doc'), this.#key('gone'), this.#key('gone-at'), ...IDENTITY_INDEXED.map((i) => this.#key(`i:${i}`))]
  }

  /** Indexes the identity as written at write count `rev` (no-op when the index holds a newer write of it). */
  async put(identity: IdentityRecord, rev: number): Promise<void> {
    await this.#conn.run(APPLY, this.#applyKeys(),
      [identity.id, identityGeneration(identity, rev), identityDocString(identityDoc(identity, rev)), ...this.#now()])
  }

  /** Drops the deleted identity from the index. */
  async remove(identity: IdentityRecord): Promise<void> {
    await this.#conn.run(APPLY, this.#applyKeys(), [identity.id, deletedIdentityGeneration(identity), '', ...this.#now()])
  }

  #now(): [string, string] {
    return [String(Date.now()), String(TOMBSTONE_MS)]
  }

  /** Marks the identities stored before the index existed as indexed (the end of a `reindexAccounts()` walk). */
  async built(): Promise<void> {
    await (await this.#conn.cmd()).set(this.#key('ready'), '1')
  }

  /** The page's identities (with their accounts) and the total, or null when the cursor is not a listed identity. */
  async query(q: IdentityQuery): Promise<{ total: number; hits: IdentityHit[] } | null> {
    await this.#ensureBuilt()
    const order = identityListingOrder(q)
    const filters = encodeIdentityFilters(q.filters).filter((_, i) => i !== order.drivenBy)
    const field = (f: (typeof IDENTITY_DOC_FIELDS)[number]) => String(IDENTITY_DOC_FIELDS.indexOf(f) + 1)
    const args = [
      order.prefix, order.desc ? '1' : '0', q.cursor?.id ?? '', q.cursor?.before ? '1' : '0',
      String(q.offset), String(q.limit), q.total ? '1' : '0', order.mode, field(order.index), String(TOTAL_CAP),
      String(q.search.length), ...q.search.map(hex),
      String(filters.length), ...filters.flatMap((f) => [f.op, field(f.field), String(f.values.length), ...f.values]),
    ]
    const r = (await this.#conn.run(QUERY, [this.#key('doc'), this.#key(`i:${order.index satisfies IdentityIndexName}`)], args)) as unknown[]
    if (str(r[0]) === 'cursor') return null
    const hits: IdentityHit[] = []
    for (let i = 1; i + 1 < r.length; i += 2) {
      hits.push({ id: str(r[i])!, accountId: Buffer.from(str(r[i + 1])!, 'hex').toString('utf8') })
    }
    return { total: Number(r[0]), hits }
  }

  /** Once per process: a store whose identity index was never built gets it built before the first listing. */
  #ensureBuilt(): Promise<void> {
    this.#ready ??= (async () => {
      if (str(await (await this.#conn.cmd()).get(this.#key('ready'))) !== null) return
      await this.#rebuild()
    })().catch((err: unknown) => {
      this.#ready = null
      throw err
    })
    return this.#ready
  }
}
