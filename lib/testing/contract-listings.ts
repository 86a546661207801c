import assert from 'node:assert/strict'
import type { AccountQuery } from '../store/account-query.js'
import type { AccountRecord } from '../store/store.js'
import { bdd } from './bdd.js'
import { makeAccount, T0, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'

const query = (over: Partial<AccountQuery> = {}): AccountQuery => ({
  filters: [], search: [], order: null, limit: 25, offset: 0, cursor: null, total: true, ...over,
})

/** `queryAccounts`: what a listing must show after each kind of write, and its order. */
export function listingTests(h: StoreHandle): void {
  const { it } = bdd()
  const ids = async (q: AccountQuery) => (await h.store.queryAccounts(q))?.accounts.map((a) => a.id)
  /** Accounts with a shared, unique name prefix so a store shared between tests still lists only these. */
  const seed = async (n: number, over: (i: number) => Partial<AccountRecord> = () => ({})): Promise<AccountRecord[]> => {
    const tag = uid()
    const made: AccountRecord[] = []
    for (let i = 0; i < n; i++) {
      const a = makeAccount({ name: `${tag} ${i}`, registration: T0 + i, ...over(i) })
      assert.deepEqual(await h.store.insertAccount(a), { ok: true })
      made.push(a)
    }
    return made
  }
  const within = (a: AccountRecord): AccountQuery['filters'][number] => ({ op: 'startsWith', attribute: 'name', value: a.name.split(' ')[0]! })

  it('lists inserted accounts in registration order (ties by id), with the total', async () => {
    const made = await seed(4, (i) => ({ id: `l${uid()}`.slice(0, 10), registration: T0 + (i === 3 ? 0 : i) }))
    const page = await h.store.queryAccounts(query({ filters: [within(made[0]!)], order: { attribute: 'registration', desc: false } }))
    const expected = [...made].sort((a, b) => a.registration - b.registration || (a.id < b.id ? -1 : 1))
    assert.deepEqual(page, { total: 4, accounts: expected })
  })

  it('follows replaces and deletes at once', async () => {
    const [a, b] = await seed(2)
    await h.store.replaceAccount({ ...a!, rev: a!.rev + 1, status: false, labels: ['vip'] }, a!.rev)
    const f = within(a!)
    assert.deepEqual(await ids(query({ filters: [f, { op: 'equal', attribute: 'status', values: [false] }] })), [a!.id])
    assert.deepEqual(await ids(query({ filters: [f, { op: 'contains', attribute: 'labels', values: ['vip'] }] })), [a!.id])
    await h.store.replaceAccount({ ...b!, rev: b!.rev + 1, name: 'renamed elsewhere' }, b!.rev)
    assert.deepEqual(await ids(query({ filters: [f] })), [a!.id])
    assert.equal(await h.store.deleteAccount(a!.id), true)
    assert.deepEqual(await h.store.queryAccounts(query({ filters: [f] })), { total: 0, accounts: [] })
  })

  it('pages with offset, limit and cursors both ways, ordered desc too', async () => {
    const made = await seed(5)
    const f = within(made[0]!)
    const all = made.map((a) => a.id)
    assert.deepEqual(await ids(query({ filters: [f], limit: 2, offset: 1 })), all.slice(1, 3))
    assert.deepEqual(await ids(query({ filters: [f], limit: 2, cursor: { id: all[1]!, before: false } })), all.slice(2, 4))
    assert.deepEqual(await ids(query({ filters: [f], limit: 2, cursor: { id: all[3]!, before: true } })), all.slice(1, 3))
    const desc = query({ filters: [f], order: { attribute: 'name', desc: true }, limit: 2, cursor: { id: all[3]!, before: false } })
    assert.deepEqual(await ids(desc), [all[2], all[1]])
    assert.equal(await h.store.queryAccounts(query({ cursor: { id: uid(), before: false } })), null)
    assert.equal((await h.store.queryAccounts(query({ filters: [f], total: false })))?.total, 0)
  })

  it('searches word prefixes of the id, name, email and phone', async () => {
    // Words no hex id or `…@example.com` email starts with, so only these names match.
    const [a] = await seed(2, (i) => (i === 0 ? { phone: `+1555${Date.now() % 1_000_000}` } : {}))
    const word = a!.name.split(' ')[0]!
    await h.store.replaceAccount({ ...a!, rev: a!.rev + 1, name: `${word} Qwerty` }, a!.rev)
    assert.deepEqual((await ids(query({ search: [word] })))?.sort(), (await ids(query({ filters: [within(a!)] })))?.sort())
    assert.deepEqual(await ids(query({ search: [word, 'qwer'] })), [a!.id])
    assert.deepEqual(await ids(query({ search: [a!.phone.slice(1, 8)] })), [a!.id])
    assert.deepEqual(await ids(query({ search: [a!.id] })), [a!.id])
    assert.deepEqual(await ids(query({ search: [word, 'nomatch'] })), [])
  })

  /** Accounts named after a fresh word (`q<hex>`), so a search for it lists only these. */
  const named = async (names: string[]): Promise<{ tag: string; made: AccountRecord[] }> => {
    const tag = `q${uid()}`
    const made: AccountRecord[] = []
    for (const [i, name] of names.entries()) {
      const a = makeAccount({ name: name.replaceAll('#', tag), registration: T0 + i })
      assert.deepEqual(await h.store.insertAccount(a), { ok: true })
      made.push(a)
    }
    return { tag, made }
  }

  it('counts and lists an account that matches a search word by several terms once', async () => {
    const { tag, made: [a, b, c] } = await named(['#x #yy #', '#z', 'other'])
    await h.store.replaceAccount({ ...c!, rev: c!.rev + 1, email: `${tag}mail@example.com` }, c!.rev)
    const page = await h.store.queryAccounts(query({ search: [tag] }))
    assert.equal(page?.total, 3)
    // Each listed at its first matching term: `#` (a), `#mail` (c), `#z` (b).
    assert.deepEqual(page?.accounts.map((x) => x.id), [a!.id, c!.id, b!.id])
    assert.equal((await h.store.queryAccounts(query({ search: [`${tag}y`] })))?.total, 1)
    // With an order the count is the same, and so is a count with a filter beside the search.
    const byName = await h.store.queryAccounts(query({ search: [tag], order: { attribute: 'name', desc: true } }))
    assert.deepEqual(byName?.total, 3)
    assert.deepEqual(byName?.accounts.map((x) => x.id), [b!.id, a!.id, c!.id])
    const active = await h.store.queryAccounts(query({ search: [tag], filters: [{ op: 'equal', attribute: 'status', values: [true] }] }))
    assert.equal(active?.total, 3)
    // After a write the account still counts once (its entries were replaced, not added to).
    await h.store.replaceAccount({ ...a!, rev: a!.rev + 1, name: `${tag}x ${tag}xy` }, a!.rev)
    assert.equal((await h.store.queryAccounts(query({ search: [tag] })))?.total, 3)
    assert.equal((await h.store.queryAccounts(query({ search: [`${tag}x`] })))?.total, 1)
    await h.store.deleteAccount(b!.id)
    assert.equal((await h.store.queryAccounts(query({ search: [tag] })))?.total, 2)
  })

  it('matches a multi-word search only when every word starts a term', async () => {
    const { tag, made: [both, alpha, beta] } = await named(['# alpha beta', '# alpha', '# beta', '#alphabet'])
    const total = async (search: string[]) => (await h.store.queryAccounts(query({ search })))?.total
    assert.deepEqual((await ids(query({ search: [tag, 'alpha'] })))?.sort(), [both!.id, alpha!.id].sort())
    assert.equal(await total([tag, 'alpha']), 2)
    assert.deepEqual(await ids(query({ search: [tag, 'alpha', 'beta'] })), [both!.id])
    assert.equal(await total([tag, 'alpha', 'beta']), 1)
    assert.equal(await total([tag, 'beta']), 2)
    assert.deepEqual(await ids(query({ search: [tag, 'beta'], offset: 1 })), [beta!.id])
    // Two words may start the same term: `#alphabet` has `#` and `#alpha`.
    assert.equal(await total([tag, `${tag}alpha`]), 1)
    assert.equal(await total([`${tag}alpha`, 'nomatch']), 0)
  })

  it('pages through a search with cursors both ways, the total the same on every page', async () => {
    // First matching terms: #c, #a (registered first), #b, #a; so the order is 1, 3, 2, 0.
    const { tag, made } = await named(['#c #e', '#a #f', '#b', '#a'])
    const order = [1, 3, 2, 0].map((i) => made[i]!.id)
    const forward: string[] = []
    for (let cursor: string | undefined; ;) {
      const page = await h.store.queryAccounts(query({ search: [tag], limit: 1, cursor: cursor ? { id: cursor, before: false } : null }))
      assert.equal(page?.total, 4)
      if (page!.accounts.length === 0) break
      forward.push(page!.accounts[0]!.id)
      cursor = forward.at(-1)
    }
    assert.deepEqual(forward, order)
    assert.deepEqual(await ids(query({ search: [tag], limit: 2, cursor: { id: order[3]!, before: true } })), order.slice(1, 3))
    assert.deepEqual(await ids(query({ search: [tag], limit: 2, cursor: { id: order[1]!, before: true } })), order.slice(0, 1))
    // The cursor must be one of the search's results.
    const outside = await named(['elsewhere'])
    assert.equal(await h.store.queryAccounts(query({ search: [tag], cursor: { id: outside.made[0]!.id, before: false } })), null)
  })

  it('orders a search by UTF-8 bytes, past U+FFFF too', async () => {
    // ａ (U+FF41) comes before 𝐚 (U+1D41A) in UTF-8 but after it in UTF-16.
    const { tag, made: [x, y] } = await named(['#\u{1D41A} #\uFF41', '#\uFF42'])
    assert.deepEqual(await ids(query({ search: [tag] })), [x!.id, y!.id])
    assert.deepEqual(await ids(query({ search: [tag], cursor: { id: x!.id, before: false } })), [y!.id])
    assert.equal((await h.store.queryAccounts(query({ search: [tag] })))?.total, 2)
  })
}
