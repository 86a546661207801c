import {
  DOC_FIELDS, INDEXED, deletedGeneration, docString, encodeFilters, generation, hex, indexDoc, listingOrder,
  type IndexName,
} from './account-index.js'
import { TOTAL_CAP, type AccountQuery } from './account-query.js'
import { parse, str, type RedisConnection } from './redis-connection.js'
import { APPLY, QUERY, SWEEP } from './redis-account-index-scripts.js'
import type { AccountRecord } from './store.js'

/** A node-redis client or cluster, seen only for the keyspace walk of a rebuild. */
interface Walkable {
  scanIterator?: (opts: { MATCH: string; COUNT: number }) => AsyncIterable<string[]>
  masters?: unknown[]
  nodeClient?: (node: unknown) => Promise<{ scanIterator: (opts: { MATCH: string; COUNT: number }) => AsyncIterable<string[]> }>
}

/** What else a rebuild indexes: each account it sees, then once when the walk is done (RedisStore: the account's identities). */
export interface RebuildHook {
  account(account: AccountRecord): Promise<void>
  done(): Promise<void>
}

/** How long a deleted account's generation is kept, so an index write still in flight can't bring it back. */
const TOMBSTONE_MS = 3_600_000

/**
 * The index's format, kept in `P{ix}:ready` and as the last field of each doc. 2: an account's
 * terms sorted bytewise, each term entry carrying them, and the term overlaps that count a
 * search exactly. A store finding another value in `ready` (`1`: none of these, and docs without
 * the field) rebuilds the index before its first listing, which rewrites each doc of another
 * format even at the same generation.
 */
export const INDEX_FORMAT = '2'

/** Search entries checked per SWEEP call: ~2.5 ms of Redis time each (at most 12 ms seen) on a loaded 2-core machine. */
const SWEEP_BATCH = 250

const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/**
 * RedisStore's account listings: sorted sets of encoded values (`account-index.ts`) under the
 * `{ix}` hash tag, read with `ZRANGEBYLEX` in one script per page, never a keyspace walk.
 *
 * Cluster: an account's keys live in its own slot (`{a:<id>}`) and the index in `{ix}`, and no
 * script may span two slots, so the index is written by a second script right after each
 * account write (see docs/queries.md). Each write carries the account's generation
 * (`createdAt`, `rev`), so late or repeated writes never roll the index back. A process that
 * dies between the two leaves that one account's entry behind until its next write or a
 * `rebuild()`. Keys under `prefix` P: `P{ix}:doc`, `P{ix}:gone` / `P{ix}:gone-at` (generations of
 * accounts deleted in the last hour, and when), `P{ix}:i:<attribute>`, `P{ix}:term-overlaps`
 * (what makes a one-word search's total a `ZLEXCOUNT`, see `overlaps()` in the scripts),
 * `P{ix}:ready` (the index format, set once the stored accounts have been indexed in it).
 */
export class RedisAccountIndex {
  readonly #conn: RedisConnection
  readonly #prefix: string
  readonly #accountKey: (id: string) => string
  readonly #also: RebuildHook | null
  #ready: Promise<void> | null = null

  /** `accountKey`: the key of an account's record, to check what a rebuild's SCAN matched; `also`: what else a rebuild indexes. */
  constructor(conn: RedisConnection, prefix: string, accountKey: (id: string) => string, also: RebuildHook | null = null) {
    this.#conn = conn
    this.#prefix = prefix
    this.#accountKey = accountKey
    this.#also = also
  }

  #key(suffix: string): string {
    return `${this.#prefix}{ix}:${suffix}`
  }

  #applyKeys(): string[] {
    return [
      this.#key('doc'), this.#key('gone'), this.#key('gone-at'), ...INDEXED.map((i) => this.#key(`i:${i}`)),
      this.#key('term-overlaps'),
    ]
  }

  /** Indexes the account as written (no-op when the index already holds this write of it, in this format, or a newer one). */
  async put(account: AccountRecord): Promise<void> {
    const doc = `${docString(indexDoc(account))}\u0001${INDEX_FORMAT}`
    await this.#conn.run(APPLY, this.#applyKeys(), [account.id, generation(account), doc, ...this.#now(), INDEX_FORMAT])
  }

  /** Drops the deleted account (as it was when deleted) from the index. */
  async remove(account: AccountRecord): Promise<void> {
    await this.#conn.run(APPLY, this.#applyKeys(), [account.id, deletedGeneration(account), '', ...this.#now(), INDEX_FORMAT])
  }

  /** APPLY's clock arguments: tombstones are pruned by real time (they only need to outlive a write in flight). */
  #now(): [string, string] {
    return [String(Date.now()), String(TOMBSTONE_MS)]
  }

  /** The ids of a page and the total, or null when the cursor is not a listed account. */
  async query(q: AccountQuery): Promise<{ total: number; ids: string[] } | null> {
    await this.#ensureBuilt()
    const order = listingOrder(q)
    const filters = encodeFilters(q.filters).filter((_, i) => i !== order.drivenBy)
    const args = [
      order.prefix, order.desc ? '1' : '0', q.cursor?.id ?? '', q.cursor?.before ? '1' : '0',
      String(q.offset), String(q.limit), q.total ? '1' : '0', order.mode,
      String(DOC_FIELDS.indexOf(order.index as (typeof DOC_FIELDS)[number]) + 1), String(TOTAL_CAP),
      String(q.search.length), ...q.search.map(hex),
      String(filters.length),
      ...filters.flatMap((f) => [f.op, String(DOC_FIELDS.indexOf(f.field) + 1), String(f.values.length), ...f.values]),
    ]
    const keys = [this.#key('doc'), this.#key(`i:${order.index satisfies IndexName}`), this.#key('i:terms'), this.#key('term-overlaps')]
    const r = (await this.#conn.run(QUERY, keys, args)) as unknown[]
    if (str(r[0]) === 'cursor') return null
    return { total: Number(r[0]), ids: r.slice(1).map((v) => str(v)!) }
  }

  /**
   * Indexes every stored account (accounts written before the index existed, one whose index
   * write was lost with its process, or one indexed in an older format), and with the `also`
   * hook whatever hangs off each account; then drops the search entries no account's doc makes
   * (left by a process of an older format). Walks the keyspace once, on every Cluster master,
   * and the search entries once; safe to run while the store is in use. Returns how many
   * accounts it saw.
   */
  async rebuild(): Promise<number> {
    const pattern = `${globEscape(this.#prefix)}{a:*}:account`
    await this.#conn.cmd() // connects a client the store owns
    const c = this.#conn.client as Walkable
    const scanners: Pick<Walkable, 'scanIterator'>[] = []
    if (Array.isArray(c.masters) && c.nodeClient) {
      for (const m of c.masters) scanners.push(await c.nodeClient(m))
    } else {
      scanners.push(c)
    }
    let seen = 0
    for (const s of scanners) {
      if (!s.scanIterator) throw new TypeError('RedisStore: the client cannot SCAN, so the account index cannot be rebuilt')
      for await (const keys of s.scanIterator({ MATCH: pattern, COUNT: 1000 })) {
        const cmd = await this.#conn.cmd()
        const names = keys.map((k) => str(k)!)
        const records = await Promise.all(names.map((k) => cmd.get(k)))
        await Promise.all(records.map((raw, i) => {
          const a = parse<AccountRecord>(raw)
          // Keys are matched by pattern; only a record that is really this id's account counts.
          return a && this.#accountKey(a.id) === names[i] ? Promise.all([this.put(a), this.#also?.account(a)]) : undefined
        }))
        seen += records.length
      }
    }
    // After every account was rewritten, so an entry its doc does not make is a leftover.
    const sweepKeys = [this.#key('doc'), this.#key('i:terms'), this.#key('term-overlaps')]
    for (const set of ['terms', 'overlaps']) {
      let after = ''
      do {
        const r = (await this.#conn.run(SWEEP, sweepKeys, [set, after, String(SWEEP_BATCH)])) as unknown[]
        after = str(r[0]) ?? ''
      } while (after !== '')
    }
    await (await this.#conn.cmd()).set(this.#key('ready'), INDEX_FORMAT)
    await this.#also?.done()
    return seen
  }

  /**
   * Once per process: a store whose index was never built, or was built in an older format,
   * gets it (re)built before the first listing (an older format would count searches wrong).
   */
  #ensureBuilt(): Promise<void> {
    this.#ready ??= (async () => {
      if (str(await (await this.#conn.cmd()).get(this.#key('ready'))) === INDEX_FORMAT) return
      await this.rebuild()
    })().catch((err: unknown) => {
      this.#ready = null
      throw err
    })
    return this.#ready
  }
}
