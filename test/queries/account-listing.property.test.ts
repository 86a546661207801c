/**
 * Property-based: for random accounts, random writes and random Appwrite queries, the listing
 * of each store equals a brute-force filter-and-sort written independently here, and
 * MemoryStore and RedisStore (standalone and Cluster) answer every page identically, cursors
 * and offsets included.
 */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Query } from 'node-appwrite'
import { parseAccountQueries } from '../../lib/queries/parse-account-queries.js'
import { searchTerms, searchWords } from '../../lib/store/account-index.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import type { AccountRecord, Store } from '../../lib/store/store.js'
import { makeAccount, T0 } from '../../lib/testing/fixtures.js'
import { connectedClient, deleteByPrefix, requireRedisOrSkip, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { sharedCluster } from '../support/redis-cluster.js'

const NAMES = ['Ada', 'ada lovelace', 'Adam', 'Bob', 'bo', 'Élodie', 'Zoë z', '', 'ab-cd', 'Ab']
const LABELS = ['admin', 'beta', 'vip']
const iso = (ms: number) => new Date(ms).toISOString()

const accountArb = fc.record({
  name: fc.constantFrom(...NAMES),
  email: fc.option(fc.constantFrom('a', 'ad', 'bob', 'zed', 'x.y'), { nil: undefined }),
  phone: fc.option(fc.constantFrom('+15550001', '+15550002', '+4470001'), { nil: undefined }),
  status: fc.boolean(),
  emailVerification: fc.boolean(),
  phoneVerification: fc.boolean(),
  impersonator: fc.option(fc.boolean(), { nil: undefined }),
  labels: fc.subarray(LABELS),
  registration: fc.integer({ min: 0, max: 5 }),
  accessedAt: fc.integer({ min: 0, max: 5 }),
  passwordUpdate: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
})
type Of<A> = A extends fc.Arbitrary<infer T> ? T : never
type Spec = Of<typeof accountArb>

function build(specs: Spec[]): AccountRecord[] {
  const phones = new Set<string>()
  return specs.map((s, i) => {
    const id = `u${String(i).padStart(3, '0')}${s.name.length}`
    const phone = s.phone && !phones.has(s.phone) ? s.phone : ''
    if (phone) phones.add(phone)
    const a = makeAccount({
      id, name: s.name, email: s.email ? `${s.email}${i}@ex.example` : '', phone, status: s.status,
      emailVerification: s.emailVerification, phoneVerification: s.phoneVerification, labels: s.labels,
      registration: T0 + s.registration * 1000, createdAt: T0 + s.registration * 1000, accessedAt: T0 + s.accessedAt * 1000,
      passwordUpdatedAt: s.passwordUpdate === null ? null : T0 + s.passwordUpdate * 1000,
    })
    if (s.impersonator !== undefined) (a as AccountRecord & { impersonator: boolean }).impersonator = s.impersonator
    return a
  })
}

const time = (n: number) => iso(T0 + n * 1000)
const filterArb = fc.oneof(
  fc.constantFrom(...NAMES).map((v) => Query.equal('name', v)),
  fc.constantFrom('Ad', 'a', 'B', 'É').map((v) => Query.startsWith('name', v)),
  fc.constantFrom('ad', 'b').map((v) => Query.startsWith('email', v)),
  fc.constantFrom('Ada', 'B').map((v) => Query.greaterThan('name', v)),
  fc.boolean().map((v) => Query.equal('status', v)),
  fc.boolean().map((v) => Query.notEqual('emailVerification', v)),
  fc.boolean().map((v) => Query.equal('impersonator', v)),
  fc.constantFrom(...LABELS).map((v) => Query.contains('labels', v)),
  fc.subarray(LABELS, { minLength: 1 }).map((v) => Query.contains('labels', v)),
  fc.integer({ min: 0, max: 5 }).map((n) => Query.lessThan('registration', time(n))),
  fc.integer({ min: 0, max: 5 }).map((n) => Query.greaterThanEqual('accessedAt', time(n))),
  fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([a, b]) => Query.between('passwordUpdate', time(a), time(b))),
  fc.constantFrom('isNull', 'isNotNull').chain((m) => fc.constantFrom('email', 'phone', 'passwordUpdate')
    .map((a) => (m === 'isNull' ? Query.isNull(a) : Query.isNotNull(a)))),
  fc.constantFrom('+1555', '+4').map((v) => Query.startsWith('phone', v)),
)
const ORDERABLE = ['name', 'email', 'phone', 'status', 'registration', 'accessedAt', 'passwordUpdate', 'emailVerification', 'impersonator']
const queryArb = fc.record({
  filters: fc.array(filterArb, { maxLength: 2 }),
  order: fc.option(fc.tuple(fc.constantFrom(...ORDERABLE), fc.boolean()), { nil: undefined }),
  search: fc.option(fc.constantFrom('a', 'ad', 'ada love', 'bo', 'ex', 'u00', '1555', 'é', 'zoë'), { nil: undefined }),
})

// ── the oracle: plain values, no index encoding ──
type Val = string | number | boolean | null
const utf8 = (s: string) => Buffer.from(s, 'utf8')
function cmp(a: Val, b: Val): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(utf8(a), utf8(b))
  return Number(a) < Number(b) ? -1 : 1
}
function plainValue(a: AccountRecord, attr: string): Val {
  switch (attr) {
    case 'email': case 'phone': return a[attr] === '' ? null : a[attr]
    case 'passwordUpdate': return a.passwordUpdatedAt
    case 'impersonator': return (a as { impersonator?: boolean }).impersonator === true
    default: return a[attr as keyof AccountRecord] as Val
  }
}
function matches(a: AccountRecord, text: string): boolean {
  const q = JSON.parse(text) as { method: string; attribute: string; values: unknown[] }
  if (q.method === 'contains') return q.values.some((v) => a.labels.includes(v as string))
  const v = plainValue(a, q.attribute)
  if (q.method === 'isNull') return v === null
  if (q.method === 'isNotNull') return v !== null
  if (v === null) return false
  const vals = q.values.map((x) => (typeof x === 'string' && /^\d{4}-/.test(x) ? Date.parse(x) : x)) as Val[]
  switch (q.method) {
    case 'equal': return vals.some((x) => cmp(v, x) === 0)
    case 'notEqual': return vals.every((x) => cmp(v, x) !== 0)
    case 'lessThan': return cmp(v, vals[0]!) < 0
    case 'greaterThan': return cmp(v, vals[0]!) > 0
    case 'greaterThanEqual': return cmp(v, vals[0]!) >= 0
    case 'between': return cmp(v, vals[0]!) >= 0 && cmp(v, vals[1]!) <= 0
    case 'startsWith': return (v as string).startsWith(vals[0] as string)
    default: throw new Error(q.method)
  }
}
function found(a: AccountRecord, search: string | undefined): boolean {
  const terms = searchTerms(a)
  return searchWords(search ?? '').every((w) => terms.some((t) => t.startsWith(w)))
}
function oracle(accounts: AccountRecord[], q: Of<typeof queryArb>): AccountRecord[] {
  const hits = accounts.filter((a) => q.filters.every((f) => matches(a, f)) && found(a, q.search))
  const [attr, desc] = q.order ?? ['registration', false]
  const sorted = hits.sort((x, y) => cmp(plainValue(x, attr), plainValue(y, attr)) || x.registration - y.registration || cmp(x.id, y.id))
  return desc ? sorted.reverse() : sorted
}

async function listAll(store: Store, queries: string[], search?: string) {
  const page = await store.queryAccounts(parseAccountQueries([...queries, Query.limit(5000)], search))
  assert.ok(page)
  return page
}

/** Pages of 3 with cursorAfter, then back with cursorBefore: the same sequence as one big page. */
async function walk(store: Store, queries: string[], search: string | undefined, all: string[]) {
  const forward: string[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await store.queryAccounts(parseAccountQueries([...queries, Query.limit(3), ...(cursor ? [Query.cursorAfter(cursor)] : [])], search))
    assert.ok(page)
    if (page.accounts.length === 0) break
    forward.push(...page.accounts.map((a) => a.id))
    cursor = forward.at(-1)
  }
  assert.deepEqual(forward, all, 'cursorAfter pages')
  if (all.length === 0) return
  const backward: string[] = [all.at(-1)!]
  for (;;) {
    const page = await store.queryAccounts(parseAccountQueries([...queries, Query.limit(2), Query.cursorBefore(backward[0]!)], search))
    assert.ok(page)
    if (page.accounts.length === 0) break
    backward.unshift(...page.accounts.map((a) => a.id))
  }
  assert.deepEqual(backward, all, 'cursorBefore pages')
}

function property(makeStore: () => Promise<{ store: Store; done(): Promise<void> }>) {
  return fc.asyncProperty(
    fc.array(accountArb, { minLength: 0, maxLength: 25 }),
    fc.array(fc.tuple(fc.nat(), accountArb, fc.boolean()), { maxLength: 6 }),
    fc.array(queryArb, { minLength: 1, maxLength: 4 }),
    async (specs, writes, queries) => {
      const { store, done } = await makeStore()
      const memory = new MemoryStore()
      try {
        const accounts = build(specs)
        for (const a of accounts) {
          assert.deepEqual(await store.insertAccount(a), { ok: true })
          await memory.insertAccount(a)
        }
        // Updates and deletes after the inserts: the index must follow every write.
        for (const [n, spec, del] of writes) {
          if (accounts.length === 0) break
          const i = n % accounts.length
          const cur = accounts[i]!
          if (del) {
            await store.deleteAccount(cur.id)
            await memory.deleteAccount(cur.id)
            accounts.splice(i, 1)
            continue
          }
          const [fresh] = build([spec])
          const next = { ...fresh!, id: cur.id, email: cur.email, phone: cur.phone, createdAt: cur.createdAt, rev: cur.rev + 1 }
          assert.deepEqual(await store.replaceAccount(next, cur.rev), { ok: true })
          await memory.replaceAccount(next, cur.rev)
          accounts[i] = next
        }
        for (const q of queries) {
          const strings = [...q.filters, ...(q.order ? [q.order[1] ? Query.orderDesc(q.order[0]) : Query.orderAsc(q.order[0])] : [])]
          const got = await listAll(store, strings, q.search)
          const expected = oracle([...accounts], q)
          const plainOrder = q.order !== undefined || (!q.search && !q.filters.some((f) => f.includes('"startsWith"')))
          if (plainOrder) assert.deepEqual(got.accounts.map((a) => a.id), expected.map((a) => a.id))
          else assert.deepEqual(got.accounts.map((a) => a.id).sort(), expected.map((a) => a.id).sort())
          assert.equal(got.total, expected.length)
          assert.deepEqual(got.accounts, got.accounts.map((a) => accounts.find((x) => x.id === a.id)))
          const mem = await listAll(memory, strings, q.search)
          assert.deepEqual(mem, got)
          await walk(store, strings, q.search, got.accounts.map((a) => a.id))
          for (const extra of [[Query.offset(1), Query.limit(2)], [Query.limit(0)]]) {
            const page = await store.queryAccounts(parseAccountQueries([...strings, ...extra], q.search))
            assert.deepEqual(page, await memory.queryAccounts(parseAccountQueries([...strings, ...extra], q.search)))
          }
        }
      } finally {
        await done()
      }
    },
  )
}

describe('account listings: index == brute force (property)', function () {
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
        const prefix = uniquePrefix('listprop')
        return { store: new RedisStore({ client, prefix }), done: async () => { await deleteByPrefix(client, prefix) } }
      }), { numRuns: 60 })
    })

    it('Cluster', async () => {
      const cluster = (await sharedCluster()).client
      await fc.assert(property(async () => ({ store: new RedisStore({ client: cluster, prefix: uniquePrefix('listpropc') }), done: async () => {} })), { numRuns: 20 })
    })
  })
})
