/**
 * Property-based: for random identities over a few accounts, random writes (token refreshes,
 * deletes, account deletions) and random Appwrite queries, `queryIdentities` of each store
 * equals a brute-force filter-and-sort written independently here, and MemoryStore and
 * RedisStore (standalone and Cluster) answer every page identically, cursors included.
 */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Query } from 'node-appwrite'
import { parseIdentityQueries } from '../../lib/queries/parse-identity-queries.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import type { IdentityRecord, Store } from '../../lib/store/store.js'
import { makeAccount, T0 } from '../../lib/testing/fixtures.js'
import { connectedClient, deleteByPrefix, requireRedisOrSkip, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { sharedCluster } from '../support/redis-cluster.js'

const ACCOUNTS = ['acc-a', 'acc-b', 'Acc-c']
const PROVIDERS = ['github', 'google', 'git-lab', 'Ωmega']
const EMAILS = ['', 'ada@idp.example', 'bob@idp.example', 'Ada.L@other.example']
const time = (n: number) => new Date(T0 + n * 1000).toISOString()

const identityArb = fc.record({
  account: fc.nat({ max: ACCOUNTS.length - 1 }),
  provider: fc.constantFrom(...PROVIDERS),
  uid: fc.constantFrom('1', '12', '2', 'x-y', 'Zz'),
  email: fc.constantFrom(...EMAILS),
  expiry: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  created: fc.integer({ min: 0, max: 5 }),
})
type Of<A> = A extends fc.Arbitrary<infer T> ? T : never
type Spec = Of<typeof identityArb>

/** Identities from specs; a (provider, uid) pair taken by an earlier one gets a unique uid. */
function build(specs: Spec[]): IdentityRecord[] {
  const pairs = new Set<string>()
  return specs.map((s, i) => {
    let uid: string = s.uid
    if (pairs.has(`${s.provider}\0${uid}`)) uid = `${uid}-${i}`
    pairs.add(`${s.provider}\0${uid}`)
    return {
      id: `i${String(i).padStart(3, '0')}`, accountId: ACCOUNTS[s.account]!, createdAt: T0 + s.created * 1000, updatedAt: T0,
      provider: s.provider, providerUid: uid, providerEmail: s.email, providerAccessToken: 'tok',
      providerAccessTokenExpiry: s.expiry === null ? null : T0 + s.expiry * 1000, providerRefreshToken: '',
    }
  })
}

const filterArb = fc.oneof(
  fc.constantFrom(...PROVIDERS).map((v) => Query.equal('provider', v)),
  fc.subarray(PROVIDERS, { minLength: 1 }).map((v) => Query.notEqual('provider', v)),
  fc.constantFrom(...ACCOUNTS).map((v) => Query.equal('userId', v)),
  fc.constantFrom('acc', 'A', 'acc-b').map((v) => Query.startsWith('userId', v)),
  fc.constantFrom('1', 'x', 'Z').map((v) => Query.startsWith('providerUid', v)),
  fc.constantFrom(...EMAILS).map((v) => Query.equal('providerEmail', v)),
  fc.constantFrom('ada', 'B').map((v) => Query.greaterThanEqual('providerEmail', v)),
  fc.integer({ min: 0, max: 5 }).map((n) => Query.lessThan('providerAccessTokenExpiry', time(n))),
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([a, b]) => Query.between('providerAccessTokenExpiry', time(a), time(b))),
  fc.boolean().map((n) => (n ? Query.isNull('providerAccessTokenExpiry') : Query.isNotNull('providerAccessTokenExpiry'))),
)
const ORDERABLE = ['userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessTokenExpiry']
const queryArb = fc.record({
  filters: fc.array(filterArb, { maxLength: 2 }),
  order: fc.option(fc.tuple(fc.constantFrom(...ORDERABLE), fc.boolean()), { nil: undefined }),
  search: fc.option(fc.constantFrom('git', 'ada', 'acc', 'i00', 'idp example', 'ω', 'lab'), { nil: undefined }),
})

// ── the oracle: plain values, no index encoding ──
type Val = string | number | null
function cmp(a: Val, b: Val): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b))
  return Number(a) < Number(b) ? -1 : 1
}
const plainValue = (i: IdentityRecord, attr: string): Val =>
  attr === 'userId' ? i.accountId : (i[attr as keyof IdentityRecord] as Val)
function matches(i: IdentityRecord, text: string): boolean {
  const q = JSON.parse(text) as { method: string; attribute: string; values: unknown[] }
  const v = plainValue(i, q.attribute)
  if (q.method === 'isNull') return v === null
  if (q.method === 'isNotNull') return v !== null
  if (v === null) return false
  const vals = q.values.map((x) => (q.attribute === 'providerAccessTokenExpiry' ? Date.parse(x as string) : x)) as Val[]
  switch (q.method) {
    case 'equal': return vals.some((x) => cmp(v, x) === 0)
    case 'notEqual': return vals.every((x) => cmp(v, x) !== 0)
    case 'lessThan': return cmp(v, vals[0]!) < 0
    case 'greaterThanEqual': return cmp(v, vals[0]!) >= 0
    case 'between': return cmp(v, vals[0]!) >= 0 && cmp(v, vals[1]!) <= 0
    case 'startsWith': return (v as string).startsWith(vals[0] as string)
    default: throw new Error(q.method)
  }
}
/** Independent of the index: every search word starts a word of the id, account, provider, uid or email. */
function found(i: IdentityRecord, search: string | undefined): boolean {
  const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  const terms = [i.id, i.accountId, i.provider, i.providerUid, i.providerEmail].flatMap(words)
  return words(search ?? '').every((w) => terms.some((t) => t.startsWith(w)))
}
function oracle(all: IdentityRecord[], q: Of<typeof queryArb>): IdentityRecord[] {
  const hits = all.filter((i) => q.filters.every((f) => matches(i, f)) && found(i, q.search))
  const [attr, desc] = q.order ?? ['createdAt', false]
  const sorted = hits.sort((x, y) => cmp(plainValue(x, attr), plainValue(y, attr)) || x.createdAt - y.createdAt || cmp(x.id, y.id))
  return desc ? sorted.reverse() : sorted
}

async function page(store: Store, queries: string[], search?: string) {
  const p = await store.queryIdentities(parseIdentityQueries(queries, search))
  assert.ok(p)
  return p
}

function property(makeStore: () => Promise<{ store: Store; done(): Promise<void> }>) {
  return fc.asyncProperty(
    fc.array(identityArb, { maxLength: 20 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('refresh', 'delete', 'deleteAccount'), identityArb), { maxLength: 5 }),
    fc.array(queryArb, { minLength: 1, maxLength: 4 }),
    async (specs, writes, queries) => {
      const { store, done } = await makeStore()
      const memory = new MemoryStore()
      try {
        for (const s of [store, memory]) for (const id of ACCOUNTS) await s.insertAccount(makeAccount({ id }))
        let identities = build(specs)
        for (const i of identities) {
          assert.deepEqual(await store.insertIdentity(i), { ok: true })
          await memory.insertIdentity(i)
        }
        // Writes after the inserts: the index must follow every one.
        for (const [n, kind, spec] of writes) {
          if (identities.length === 0) break
          const cur = identities[n % identities.length]!
          if (kind === 'refresh') {
            const next = { ...cur, updatedAt: cur.updatedAt + 1, providerEmail: spec.email, providerAccessTokenExpiry: spec.expiry === null ? null : T0 + spec.expiry * 1000 }
            for (const s of [store, memory]) assert.equal(await s.replaceIdentity(next), true)
            identities = identities.map((i) => (i.id === cur.id ? next : i))
          } else if (kind === 'delete') {
            for (const s of [store, memory]) assert.equal(await s.deleteIdentity(cur.accountId, cur.id), true)
            identities = identities.filter((i) => i.id !== cur.id)
          } else {
            for (const s of [store, memory]) await s.deleteAccount(cur.accountId)
            identities = identities.filter((i) => i.accountId !== cur.accountId)
          }
        }
        for (const q of queries) {
          const strings = [...q.filters, ...(q.order ? [q.order[1] ? Query.orderDesc(q.order[0]) : Query.orderAsc(q.order[0])] : [])]
          const got = await page(store, [...strings, Query.limit(5000)], q.search)
          const expected = oracle([...identities], q)
          const plainOrder = q.order !== undefined || (!q.search && !q.filters.some((f) => f.includes('"startsWith"')))
          const ids = got.identities.map((i) => i.id)
          if (plainOrder) assert.deepEqual(ids, expected.map((i) => i.id))
          else assert.deepEqual([...ids].sort(), expected.map((i) => i.id).sort())
          assert.equal(got.total, expected.length)
          assert.deepEqual(got.identities, ids.map((id) => identities.find((i) => i.id === id)))
          assert.deepEqual(await page(memory, [...strings, Query.limit(5000)], q.search), got)
          // Pages of 2 with cursorAfter give the same sequence; one cursorBefore page matches memory's.
          const forward: string[] = []
          for (;;) {
            const p = await page(store, [...strings, Query.limit(2), ...(forward.length ? [Query.cursorAfter(forward.at(-1)!)] : [])], q.search)
            if (p.identities.length === 0) break
            forward.push(...p.identities.map((i) => i.id))
          }
          assert.deepEqual(forward, ids, 'cursorAfter pages')
          if (ids.length > 0) {
            const before = [...strings, Query.limit(2), Query.cursorBefore(ids.at(-1)!)]
            assert.deepEqual(await page(store, before, q.search), await page(memory, before, q.search))
          }
        }
      } finally {
        await done()
      }
    },
  )
}

describe('identity listings: index == brute force (property)', function () {
  this.timeout(120_000)

  it('MemoryStore', async () => {
    await fc.assert(property(async () => ({ store: new MemoryStore(), done: async () => {} })), { numRuns: 150 })
  })

  describe('RedisStore', function () {
    let client: TestRedisClient
    before(async function () {
      requireRedisOrSkip(this)
      client = await connectedClient()
    })
    after(async () => { await client?.close() })

    it('standalone', async () => {
      await fc.assert(property(async () => {
        const prefix = uniquePrefix('idprop')
        return { store: new RedisStore({ client, prefix }), done: async () => { await deleteByPrefix(client, prefix) } }
      }), { numRuns: 60 })
    })

    it('Cluster', async () => {
      const cluster = (await sharedCluster()).client
      await fc.assert(property(async () => ({ store: new RedisStore({ client: cluster, prefix: uniquePrefix('idpropc') }), done: async () => {} })), { numRuns: 20 })
    })
  })
})
