import assert from 'node:assert/strict'
import type { IdentityQuery } from '../store/identity-query.js'
import type { IdentityRecord } from '../store/store.js'
import { makeAccount, makeIdentity, T0, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd } from './bdd.js'

export function identityTests(h: StoreHandle): void {
  const { it } = bdd()
  const account = async () => {
    const a = makeAccount()
    assert.deepEqual(await h.store.insertAccount(a), { ok: true })
    return a.id
  }

  it('inserts, gets and lists identities oldest first', async () => {
    const a = await account()
    const mid = makeIdentity(a, { createdAt: T0 + 1 })
    const newest = makeIdentity(a, { createdAt: T0 + 2, provider: 'google' })
    const oldest = makeIdentity(a, { createdAt: T0 })
    for (const i of [mid, newest, oldest]) assert.deepEqual(await h.store.insertIdentity(i), { ok: true })
    assert.deepEqual(await h.store.getIdentity(a, mid.id), mid)
    assert.equal(await h.store.getIdentity(a, uid()), null)
    assert.equal(await h.store.getIdentity(await account(), mid.id), null)
    assert.deepEqual(await h.store.listIdentities(a), [oldest, mid, newest])
    assert.deepEqual(await h.store.listIdentities(uid()), [])
  })

  it('refuses a (provider, uid) pair another identity owns and leaves nothing of the failed insert', async () => {
    const [a, b] = [await account(), await account()]
    const first = makeIdentity(a, { providerUid: '12345' })
    await h.store.insertIdentity(first)
    const dup = makeIdentity(b, { providerUid: '12345' })
    assert.deepEqual(await h.store.insertIdentity(dup), { ok: false, conflict: 'identity' })
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(a, { providerUid: '12345' })), { ok: false, conflict: 'identity' })
    assert.equal(await h.store.getIdentity(b, dup.id), null)
    assert.deepEqual(await h.store.listIdentities(b), [])
    assert.equal(await h.store.findIdentityOwner('github', '12345'), a)
    assert.deepEqual(await h.store.listIdentities(a), [first])
  })

  it('lets the same uid be used on another provider', async () => {
    const [a, b] = [await account(), await account()]
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(a, { provider: 'github', providerUid: '42' })), { ok: true })
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(b, { provider: 'gitlab', providerUid: '42' })), { ok: true })
    assert.equal(await h.store.findIdentityOwner('github', '42'), a)
    assert.equal(await h.store.findIdentityOwner('gitlab', '42'), b)
  })

  it('refuses an identity for a missing account without claiming its pair', async () => {
    const ghost = makeIdentity(uid(), { providerUid: 'orphan' })
    assert.deepEqual(await h.store.insertIdentity(ghost), { ok: false, conflict: 'missing' })
    assert.deepEqual(await h.store.listIdentities(ghost.accountId), [])
    assert.equal(await h.store.findIdentityOwner('github', 'orphan'), null)
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(await account(), { providerUid: 'orphan' })), { ok: true })
  })

  it('does not overwrite an identity id already in use', async () => {
    const a = await account()
    const i = makeIdentity(a)
    await h.store.insertIdentity(i)
    const other = makeIdentity(a, { id: i.id, providerUid: 'other' })
    assert.deepEqual(await h.store.insertIdentity(other), { ok: false, conflict: 'identity' })
    assert.deepEqual(await h.store.getIdentity(a, i.id), i)
    assert.equal(await h.store.findIdentityOwner('github', 'other'), null)
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(a, { providerUid: 'other' })), { ok: true })
  })

  it('lets exactly one of 20 concurrent inserts of one pair on different accounts win', async () => {
    const accounts: string[] = []
    for (let i = 0; i < 20; i++) accounts.push(await account())
    const identities = accounts.map((a) => makeIdentity(a, { providerUid: 'race' }))
    const results = await Promise.all(identities.map((i) => h.store.insertIdentity(i)))
    const winners = identities.filter((_, i) => results[i]!.ok)
    assert.equal(winners.length, 1)
    for (const r of results) if (!r.ok) assert.equal(r.conflict, 'identity')
    assert.equal(await h.store.findIdentityOwner('github', 'race'), winners[0]!.accountId)
    for (const i of identities) assert.equal((await h.store.listIdentities(i.accountId)).length, i === winners[0] ? 1 : 0)
  })

  it('finds the owner of a pair, whatever characters the uid holds', async () => {
    const a = await account()
    const odd = `{a:${uid()}}:u:identity:github:*?[x] ü🙂 ${'x'.repeat(2000)}`
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(a, { providerUid: odd })), { ok: true })
    assert.equal(await h.store.findIdentityOwner('github', odd), a)
    assert.equal(await h.store.findIdentityOwner('github', odd.slice(0, -1)), null)
    assert.equal(await h.store.findIdentityOwner('gitlab', odd), null)
    assert.equal(await h.store.findIdentityOwner('github', uid()), null)
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(await account(), { providerUid: odd })), { ok: false, conflict: 'identity' })
  })

  it('replaces only an existing identity, and never its provider or uid', async () => {
    const a = await account()
    const i = makeIdentity(a)
    await h.store.insertIdentity(i)
    const next = { ...i, updatedAt: T0 + 5, providerAccessToken: 'gho_new', providerAccessTokenExpiry: null, providerRefreshToken: 'r' }
    assert.equal(await h.store.replaceIdentity(next), true)
    assert.deepEqual(await h.store.getIdentity(a, i.id), next)
    const ghost = makeIdentity(a)
    assert.equal(await h.store.replaceIdentity(ghost), false)
    assert.equal(await h.store.getIdentity(a, ghost.id), null)
    await assert.rejects(async () => h.store.replaceIdentity({ ...next, provider: 'gitlab' }), TypeError)
    await assert.rejects(async () => h.store.replaceIdentity({ ...next, providerUid: 'someone-else' }), TypeError)
    assert.deepEqual(await h.store.getIdentity(a, i.id), next)
    assert.equal(await h.store.findIdentityOwner(i.provider, i.providerUid), a)
    assert.equal(await h.store.findIdentityOwner(i.provider, 'someone-else'), null)
  })

  it('deletes an identity and frees its pair for another account', async () => {
    const [a, b] = [await account(), await account()]
    const i = makeIdentity(a)
    const kept = makeIdentity(a, { provider: 'google' })
    await h.store.insertIdentity(i)
    await h.store.insertIdentity(kept)
    assert.equal(await h.store.deleteIdentity(a, i.id), true)
    assert.equal(await h.store.deleteIdentity(a, i.id), false)
    assert.equal(await h.store.deleteIdentity(b, kept.id), false)
    assert.equal(await h.store.getIdentity(a, i.id), null)
    assert.deepEqual(await h.store.listIdentities(a), [kept])
    assert.equal(await h.store.findIdentityOwner(i.provider, i.providerUid), null)
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(b, { providerUid: i.providerUid })), { ok: true })
    assert.equal(await h.store.findIdentityOwner(i.provider, i.providerUid), b)
    assert.equal(await h.store.findIdentityOwner(kept.provider, kept.providerUid), a)
  })

  it('finds an identity by its id alone, whichever account holds it, until it or its account is deleted', async () => {
    const [a, b] = [await account(), await account()]
    const i = makeIdentity(a)
    const j = makeIdentity(b, { provider: 'google' })
    await h.store.insertIdentity(i)
    await h.store.insertIdentity(j)
    assert.deepEqual(await h.store.findIdentity(i.id), i)
    assert.deepEqual(await h.store.findIdentity(j.id), j)
    assert.equal(await h.store.findIdentity(uid()), null)
    // A refused insert (pair taken, or no account) does not make its id findable.
    const refused = makeIdentity(b, { providerUid: i.providerUid })
    assert.deepEqual(await h.store.insertIdentity(refused), { ok: false, conflict: 'identity' })
    assert.equal(await h.store.findIdentity(refused.id), null)
    const orphan = makeIdentity(uid())
    assert.deepEqual(await h.store.insertIdentity(orphan), { ok: false, conflict: 'missing' })
    assert.equal(await h.store.findIdentity(orphan.id), null)
    // The same id inserted twice into one account: the first stays findable.
    assert.deepEqual(await h.store.insertIdentity({ ...i, provider: 'gitlab' }), { ok: false, conflict: 'identity' })
    assert.deepEqual(await h.store.findIdentity(i.id), i)
    assert.equal(await h.store.deleteIdentity(a, i.id), true)
    assert.equal(await h.store.findIdentity(i.id), null)
    assert.equal(await h.store.deleteAccount(b), true)
    assert.equal(await h.store.findIdentity(j.id), null)
  })

  it('deletes an account with its identities and frees their pairs', async () => {
    const [a, b] = [await account(), await account()]
    const ids = [makeIdentity(a), makeIdentity(a, { provider: 'google' })]
    for (const i of ids) await h.store.insertIdentity(i)
    const other = makeIdentity(b)
    await h.store.insertIdentity(other)
    assert.equal(await h.store.deleteAccount(a), true)
    assert.deepEqual(await h.store.listIdentities(a), [])
    for (const i of ids) {
      assert.equal(await h.store.getIdentity(a, i.id), null)
      assert.equal(await h.store.findIdentityOwner(i.provider, i.providerUid), null)
      assert.deepEqual(await h.store.insertIdentity({ ...i, id: uid(), accountId: b }), { ok: true })
      assert.equal(await h.store.findIdentityOwner(i.provider, i.providerUid), b)
    }
    assert.deepEqual(await h.store.getIdentity(b, other.id), other)
    assert.deepEqual(await h.store.insertIdentity(makeIdentity(a)), { ok: false, conflict: 'missing' })
  })

  it('round-trips through JSON: callers cannot mutate what is stored', async () => {
    const a = await account()
    const i = makeIdentity(a)
    await h.store.insertIdentity(i)
    i.providerAccessToken = 'mutated-input'
    const got = (await h.store.getIdentity(a, i.id))!
    assert.equal(got.providerAccessToken, 'gho_access')
    got.providerAccessToken = 'mutated-output'
    const [listed] = await h.store.listIdentities(a)
    assert.equal(listed!.providerAccessToken, 'gho_access')
    assert.notEqual(listed, got)
    assert.equal(listed!.providerAccessTokenExpiry, T0 + 3_600_000)
  })
}

const query = (over: Partial<IdentityQuery> = {}): IdentityQuery => ({
  filters: [], search: [], order: null, limit: 25, offset: 0, cursor: null, total: true, ...over,
})

/** `queryIdentities`: every account's identities, after each kind of write, in the listing's order. */
export function identityListingTests(h: StoreHandle): void {
  const { it } = bdd()
  const ids = async (q: IdentityQuery) => (await h.store.queryIdentities(q))?.identities.map((i) => i.id)
  /**
   * `n` identities spread over two accounts, under a provider name no other test uses (so a store
   * shared between tests still lists only these), created `T0 + i`.
   */
  const seed = async (n: number, over: (i: number) => Partial<IdentityRecord> = () => ({})) => {
    const provider = `p${uid()}`
    const accounts: string[] = []
    for (const _ of [0, 1]) {
      const a = makeAccount()
      assert.deepEqual(await h.store.insertAccount(a), { ok: true })
      accounts.push(a.id)
    }
    const made: IdentityRecord[] = []
    for (let i = 0; i < n; i++) {
      const identity = makeIdentity(accounts[i % 2]!, { provider, createdAt: T0 + i, updatedAt: T0 + i, ...over(i) })
      assert.deepEqual(await h.store.insertIdentity(identity), { ok: true })
      made.push(identity)
    }
    const filter: IdentityQuery['filters'][number] = { op: 'equal', attribute: 'provider', values: [provider] }
    return { made, accounts, name: provider, provider: filter }
  }

  it('lists the identities of every account oldest first (ties by id), with the total', async () => {
    const { made, name, provider } = await seed(4, (i) => ({ createdAt: T0 + (i === 3 ? 0 : i) }))
    const expected = [...made].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    assert.deepEqual(await h.store.queryIdentities(query({ filters: [provider] })), { total: 4, identities: expected })
    assert.deepEqual(await h.store.queryIdentities(query({ filters: [{ op: 'startsWith', attribute: 'provider', value: name }] })),
      { total: 4, identities: expected })
  })

  it('filters on each attribute Appwrite allows, with SQL null semantics for the expiry', async () => {
    const { made, accounts, provider } = await seed(4, (i) => ({
      providerEmail: i === 0 ? '' : `u${i}@idp.example.com`,
      providerAccessTokenExpiry: i === 1 ? null : T0 + 1000 * i,
    }))
    const only = async (...filters: IdentityQuery['filters']) => ids(query({ filters: [provider, ...filters] }))
    assert.deepEqual(await only({ op: 'equal', attribute: 'userId', values: [accounts[1]!] }), [made[1]!.id, made[3]!.id])
    assert.deepEqual(await only({ op: 'notEqual', attribute: 'userId', values: [accounts[1]!] }), [made[0]!.id, made[2]!.id])
    assert.deepEqual(await only({ op: 'equal', attribute: 'providerUid', values: [made[2]!.providerUid] }), [made[2]!.id])
    assert.deepEqual(await only({ op: 'equal', attribute: 'providerEmail', values: ['u3@idp.example.com', 'u1@idp.example.com'] }),
      [made[1]!.id, made[3]!.id])
    assert.deepEqual(await only({ op: 'equal', attribute: 'providerEmail', values: [''] }), [made[0]!.id])
    assert.deepEqual(await only({ op: 'startsWith', attribute: 'providerEmail', value: 'u' }), [made[1]!.id, made[2]!.id, made[3]!.id])
    assert.deepEqual(await only({ op: 'isNull', attribute: 'providerAccessTokenExpiry' }), [made[1]!.id])
    assert.deepEqual(await only({ op: 'isNotNull', attribute: 'providerAccessTokenExpiry' }), [made[0]!.id, made[2]!.id, made[3]!.id])
    assert.deepEqual(await only({ op: 'greaterThan', attribute: 'providerAccessTokenExpiry', value: T0 }), [made[2]!.id, made[3]!.id])
    assert.deepEqual(await only({ op: 'lessThanEqual', attribute: 'providerAccessTokenExpiry', value: T0 + 2000 }), [made[0]!.id, made[2]!.id])
    assert.deepEqual(await only({ op: 'between', attribute: 'providerAccessTokenExpiry', low: T0 + 1, high: T0 + 2000 }), [made[2]!.id])
  })

  it('follows replaces, deletes and account deletions at once', async () => {
    const { made, accounts, provider } = await seed(3)
    const [a, b, c] = made as [IdentityRecord, IdentityRecord, IdentityRecord]
    assert.equal(await h.store.replaceIdentity({ ...a, updatedAt: T0 + 9, providerAccessTokenExpiry: null, providerEmail: 'new@idp.example.com' }), true)
    assert.deepEqual(await ids(query({ filters: [provider, { op: 'isNull', attribute: 'providerAccessTokenExpiry' }] })), [a.id])
    assert.deepEqual(await ids(query({ filters: [provider, { op: 'equal', attribute: 'providerEmail', values: ['new@idp.example.com'] }] })), [a.id])
    assert.equal((await h.store.queryIdentities(query({ filters: [provider] })))?.identities[0]?.updatedAt, T0 + 9)
    assert.equal(await h.store.deleteIdentity(b.accountId, b.id), true)
    assert.deepEqual(await ids(query({ filters: [provider] })), [a.id, c.id])
    assert.equal(await h.store.deleteAccount(accounts[0]!), true) // holds a and c
    assert.deepEqual(await h.store.queryIdentities(query({ filters: [provider] })), { total: 0, identities: [] })
    assert.equal(await h.store.queryIdentities(query({ filters: [provider], cursor: { id: a.id, before: false } })), null)
  })

  it('pages with offset, limit and cursors both ways, ordered desc too', async () => {
    const { made, provider } = await seed(5, (i) => ({ providerUid: `uid-${i}` }))
    const all = made.map((i) => i.id)
    const f = [provider]
    assert.deepEqual(await ids(query({ filters: f, limit: 2, offset: 1 })), all.slice(1, 3))
    assert.deepEqual(await ids(query({ filters: f, limit: 2, cursor: { id: all[1]!, before: false } })), all.slice(2, 4))
    assert.deepEqual(await ids(query({ filters: f, limit: 2, cursor: { id: all[3]!, before: true } })), all.slice(1, 3))
    const desc = query({ filters: f, order: { attribute: 'providerUid', desc: true }, limit: 2, cursor: { id: all[3]!, before: false } })
    assert.deepEqual(await ids(desc), [all[2], all[1]])
    assert.deepEqual(await ids(query({ filters: f, order: { attribute: 'providerUid', desc: true } })), [...all].reverse())
    assert.equal(await h.store.queryIdentities(query({ cursor: { id: uid(), before: false } })), null)
    assert.deepEqual(await h.store.queryIdentities(query({ filters: f, total: false, limit: 1 })), { total: 0, identities: [made[0]] })
  })

  it('searches word prefixes of the id, account id, provider, provider uid and provider email', async () => {
    const { made, accounts, name: word } = await seed(3, (i) => ({ providerEmail: i === 1 ? 'qwerty.zxcv@idp.example.com' : '' }))
    assert.deepEqual(await ids(query({ search: [word] })), made.map((i) => i.id))
    assert.deepEqual(await ids(query({ search: [word, 'qwer'] })), [made[1]!.id])
    assert.deepEqual(await ids(query({ search: ['zxcv', word.slice(0, 6)] })), [made[1]!.id])
    assert.deepEqual(await ids(query({ search: [made[2]!.id] })), [made[2]!.id])
    assert.deepEqual(await ids(query({ search: [made[0]!.providerUid] })), [made[0]!.id])
    assert.deepEqual(await ids(query({ search: [word, accounts[1]!] })), [made[1]!.id])
    assert.deepEqual(await ids(query({ search: [word, 'nomatch'] })), [])
  })
}
