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
}
