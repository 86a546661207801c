import assert from 'node:assert/strict'
import type { AccountRecord } from '../store/store.js'
import { makeAccount, makeSession, makeToken, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd } from './bdd.js'

const bump = (a: AccountRecord, over: Partial<AccountRecord> = {}): AccountRecord => ({ ...a, rev: a.rev + 1, ...over })

export function accountTests(h: StoreHandle): void {
  const { it } = bdd()
  it('inserts, gets and finds by email and phone', async () => {
    const a = makeAccount({ phone: '+15550001' })
    assert.deepEqual(await h.store.insertAccount(a), { ok: true })
    assert.deepEqual(await h.store.getAccount(a.id), a)
    assert.equal(await h.store.findAccountId('email', a.email), a.id)
    assert.equal(await h.store.findAccountId('phone', '+15550001'), a.id)
    assert.equal(await h.store.findAccountId('email', 'nobody@example.com'), null)
    assert.equal(await h.store.findAccountId('phone', ''), null)
    assert.equal(await h.store.getAccount(uid()), null)
  })

  it('reports id, email and phone conflicts and leaves nothing of the failed insert', async () => {
    const a = makeAccount({ phone: '+15550002' })
    await h.store.insertAccount(a)
    assert.deepEqual(await h.store.insertAccount(makeAccount({ id: a.id, email: 'x@example.com' })), { ok: false, conflict: 'id' })
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: a.email })), { ok: false, conflict: 'email' })
    const b = makeAccount({ email: 'fresh@example.com', phone: a.phone })
    assert.deepEqual(await h.store.insertAccount(b), { ok: false, conflict: 'phone' })
    assert.equal(await h.store.getAccount(b.id), null)
    assert.equal(await h.store.findAccountId('email', 'fresh@example.com'), null)
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: 'fresh@example.com' })), { ok: true })
    assert.deepEqual(await h.store.getAccount(a.id), a)
  })

  it('keeps targets and the impersonator flag on the record: replaced whole, read with the session, deleted with the account', async () => {
    const push = { id: 'device-1', createdAt: 1, updatedAt: 2, providerType: 'push' as const, identifier: 'tok', providerId: null, name: 'Apple iPhone', expired: false }
    const a = makeAccount({ impersonator: true, targets: [{ ...push, id: 'mail', providerType: 'email', identifier: 'x@example.com', name: '' }] })
    assert.deepEqual(await h.store.insertAccount(a), { ok: true })
    const next = bump(a, { targets: [...(a.targets ?? []), push], impersonator: false })
    assert.deepEqual(await h.store.replaceAccount(next, a.rev), { ok: true })
    // A writer that read the record before the push target was added cannot drop it.
    assert.deepEqual(await h.store.replaceAccount(bump(a, { targets: [] }), a.rev), { ok: false, conflict: 'stale' })
    const s = makeSession(a.id)
    await h.store.createSession(s, { maxSessions: 0, ttlMs: 60_000 })
    assert.deepEqual((await h.store.getSessionWithAccount(a.id, s.id)).account, next)
    assert.equal(await h.store.deleteAccount(a.id), true)
    assert.equal(await h.store.getAccount(a.id), null)
  })

  it('does not claim empty email / phone', async () => {
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: '' })), { ok: true })
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: '' })), { ok: true })
  })

  it('lets exactly one of 20 concurrent inserts of one email win', async () => {
    const accounts = Array.from({ length: 20 }, () => makeAccount({ email: 'race@example.com' }))
    const results = await Promise.all(accounts.map((a) => h.store.insertAccount(a)))
    const winners = accounts.filter((_, i) => results[i]!.ok)
    assert.equal(winners.length, 1)
    for (const r of results) if (!r.ok) assert.equal(r.conflict, 'email')
    assert.equal(await h.store.findAccountId('email', 'race@example.com'), winners[0]!.id)
  })

  it('lets exactly one of 20 concurrent inserts of one id win', async () => {
    const id = uid()
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.store.insertAccount(makeAccount({ id, email: `${i}-${id}@example.com` }))))
    assert.equal(results.filter((r) => r.ok).length, 1)
    const stored = await h.store.getAccount(id)
    assert.equal(await h.store.findAccountId('email', stored!.email), id)
  })

  it('replaces on a matching rev only', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    const next = bump(a, { name: 'Grace' })
    assert.deepEqual(await h.store.replaceAccount(next, 1), { ok: true })
    assert.deepEqual(await h.store.getAccount(a.id), next)
    assert.deepEqual(await h.store.replaceAccount(bump(a, { name: 'Stale' }), 1), { ok: false, conflict: 'stale' })
    assert.equal((await h.store.getAccount(a.id))!.name, 'Grace')
    assert.deepEqual(await h.store.replaceAccount(bump(makeAccount()), 1), { ok: false, conflict: 'missing' })
    await assert.rejects(async () => h.store.replaceAccount({ ...next, rev: 5 }, 2), TypeError)
  })

  it('lets one of 10 concurrent replaces with the same rev win', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      h.store.replaceAccount(bump(a, { name: `n${i}`, email: i % 2 ? a.email : `n${i}-${a.id}@example.com` }), 1)))
    assert.equal(results.filter((r) => r.ok).length, 1)
    const stored = (await h.store.getAccount(a.id))!
    assert.equal(stored.rev, 2)
    assert.equal(await h.store.findAccountId('email', stored.email), a.id)
    for (let i = 0; i < 10; i += 2) {
      const email = `n${i}-${a.id}@example.com`
      if (email !== stored.email) assert.equal(await h.store.findAccountId('email', email), null)
    }
  })

  it('lets one of 10 accounts concurrently changing to one email win', async () => {
    const accounts = Array.from({ length: 10 }, () => makeAccount())
    for (const a of accounts) await h.store.insertAccount(a)
    const results = await Promise.all(accounts.map((a) => h.store.replaceAccount(bump(a, { email: 'wanted@example.com' }), 1)))
    const winners = accounts.filter((_, i) => results[i]!.ok)
    assert.equal(winners.length, 1)
    for (const r of results) if (!r.ok) assert.equal(r.conflict, 'email')
    assert.equal(await h.store.findAccountId('email', 'wanted@example.com'), winners[0]!.id)
    for (const a of accounts) if (a !== winners[0]) assert.equal(await h.store.findAccountId('email', a.email), a.id)
  })

  it('moves the email claim on an email change', async () => {
    const a = makeAccount({ email: 'old@example.com' })
    await h.store.insertAccount(a)
    assert.deepEqual(await h.store.replaceAccount(bump(a, { email: 'new@example.com' }), 1), { ok: true })
    assert.equal(await h.store.findAccountId('email', 'new@example.com'), a.id)
    assert.equal(await h.store.findAccountId('email', 'old@example.com'), null)
    const b = makeAccount({ email: 'old@example.com' })
    assert.deepEqual(await h.store.insertAccount(b), { ok: true })
    assert.equal(await h.store.findAccountId('email', 'old@example.com'), b.id)
  })

  it('refuses a change to a taken email or phone and changes nothing', async () => {
    const a = makeAccount({ phone: '+15550003' })
    const b = makeAccount({ phone: '+15550004' })
    await h.store.insertAccount(a)
    await h.store.insertAccount(b)
    assert.deepEqual(await h.store.replaceAccount(bump(a, { email: b.email, name: 'X' }), 1), { ok: false, conflict: 'email' })
    assert.deepEqual(await h.store.replaceAccount(bump(a, { email: 'free@example.com', phone: b.phone }), 1), { ok: false, conflict: 'phone' })
    assert.deepEqual(await h.store.getAccount(a.id), a)
    assert.equal(await h.store.findAccountId('email', a.email), a.id)
    assert.equal(await h.store.findAccountId('email', b.email), b.id)
    assert.equal(await h.store.findAccountId('phone', b.phone), b.id)
    assert.equal(await h.store.findAccountId('email', 'free@example.com'), null)
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: 'free@example.com' })), { ok: true })
  })

  it('frees the new email when the replace turns out stale, and an emptied email', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    await h.store.replaceAccount(bump(a, { name: 'first' }), 1)
    assert.deepEqual(await h.store.replaceAccount(bump(a, { email: 'late@example.com' }), 1), { ok: false, conflict: 'stale' })
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: 'late@example.com' })), { ok: true })
    const cur = (await h.store.getAccount(a.id))!
    assert.deepEqual(await h.store.replaceAccount(bump(cur, { email: '' }), cur.rev), { ok: true })
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: a.email })), { ok: true })
  })

  it('deletes an account with its sessions, tokens and claims', async () => {
    const a = makeAccount({ phone: '+15550005' })
    await h.store.insertAccount(a)
    const s = makeSession(a.id)
    await h.store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
    const t = makeToken(a.id)
    await h.store.putToken(t, 60_000)
    assert.equal(await h.store.deleteAccount(a.id), true)
    assert.equal(await h.store.getAccount(a.id), null)
    assert.equal(await h.store.getSession(a.id, s.id), null)
    assert.deepEqual(await h.store.listSessions(a.id), [])
    assert.equal(await h.store.consumeToken(a.id, { kinds: [t.kind], secretHash: t.secretHash, now: t.createdAt }), null)
    assert.equal(await h.store.findAccountId('email', a.email), null)
    assert.equal(await h.store.findAccountId('phone', a.phone), null)
    assert.deepEqual(await h.store.insertAccount(makeAccount({ email: a.email, phone: a.phone })), { ok: true })
    assert.equal(await h.store.deleteAccount(a.id), false)
  })

  it('round-trips through JSON: callers cannot mutate what is stored', async () => {
    const a = makeAccount({ labels: ['vip'] })
    await h.store.insertAccount(a)
    a.labels.push('mutated-input')
    const got = (await h.store.getAccount(a.id))!
    assert.deepEqual(got.labels, ['vip'])
    assert.deepEqual(got.prefs, { theme: 'dark', nested: { list: [], empty: {} } })
    got.labels.push('mutated-output')
    ;(got.prefs as { theme: string }).theme = 'light'
    const again = (await h.store.getAccount(a.id))!
    assert.deepEqual(again.labels, ['vip'])
    assert.equal(again.prefs.theme, 'dark')
    assert.notEqual(again, got)
  })
}
