import assert from 'node:assert/strict'
import { makeAccount, makeSession, sleep, T0, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd, slow } from './bdd.js'

const LONG = { maxSessions: 10, ttlMs: 60_000 }

export function sessionTests(h: StoreHandle): void {
  const { it } = bdd()
  it('creates, gets and lists sessions oldest first', async () => {
    const a = uid()
    const mid = makeSession(a, { createdAt: T0 + 1 })
    const newest = makeSession(a, { createdAt: T0 + 2 })
    const oldest = makeSession(a, { createdAt: T0 })
    for (const s of [mid, newest, oldest]) assert.deepEqual(await h.store.createSession(s, LONG), [])
    assert.deepEqual(await h.store.getSession(a, mid.id), mid)
    assert.equal(await h.store.getSession(a, uid()), null)
    assert.equal(await h.store.getSession(uid(), mid.id), null)
    assert.deepEqual(await h.store.listSessions(a), [oldest, mid, newest])
    assert.deepEqual(await h.store.listSessions(uid()), [])
  })

  it('reads a session with its account in one call', async () => {
    const acc = makeAccount()
    await h.store.insertAccount(acc)
    const s = makeSession(acc.id)
    await h.store.createSession(s, LONG)
    assert.deepEqual(await h.store.getSessionWithAccount(acc.id, s.id), { session: s, account: acc })
    assert.deepEqual(await h.store.getSessionWithAccount(acc.id, uid()), { session: null, account: acc })
    assert.deepEqual(await h.store.getSessionWithAccount(uid(), s.id), { session: null, account: null })
  })

  // peekSessionWithAccount is optional; where a store has it, any answer it gives must be
  // getSessionWithAccount's (read twice, so a cache that fills on the first read is tried).
  it('peekSessionWithAccount, where implemented, only ever answers what getSessionWithAccount does, and forgets a changed or deleted session at once', async () => {
    const peek = h.store.peekSessionWithAccount?.bind(h.store)
    if (!peek) return
    const acc = makeAccount()
    await h.store.insertAccount(acc)
    const s = makeSession(acc.id)
    await h.store.createSession(s, LONG)
    const same = async (sessionId: string) => {
      const now = await h.store.getSessionWithAccount(acc.id, sessionId)
      await h.store.getSessionWithAccount(acc.id, sessionId)
      const peeked = peek(acc.id, sessionId)
      if (peeked !== undefined) assert.deepEqual(peeked, now)
      return now
    }
    assert.deepEqual(await same(s.id), { session: s, account: acc })
    await same(uid())
    const changed = { ...s, updatedAt: T0 + 9, factors: ['password', 'totp'] }
    assert.equal(await h.store.replaceSession(changed, 60_000), true)
    assert.deepEqual(await same(s.id), { session: changed, account: acc })
    assert.equal((await h.store.replaceAccount({ ...acc, name: 'Renamed', rev: acc.rev + 1 }, acc.rev)).ok, true)
    assert.equal((await same(s.id)).account?.name, 'Renamed')
    assert.equal(await h.store.deleteSession(acc.id, s.id), true)
    const gone = peek(acc.id, s.id)
    if (gone !== undefined) assert.equal(gone.session, null)
    assert.equal((await same(s.id)).session, null)
  })

  it('replaces only an existing session', async () => {
    const a = uid()
    const s = makeSession(a)
    await h.store.createSession(s, LONG)
    const next = { ...s, updatedAt: T0 + 5, factors: ['password', 'totp'] }
    assert.equal(await h.store.replaceSession(next, 60_000), true)
    assert.deepEqual(await h.store.getSession(a, s.id), next)
    const ghost = makeSession(a)
    assert.equal(await h.store.replaceSession(ghost, 60_000), false)
    assert.equal(await h.store.getSession(a, ghost.id), null)
    assert.deepEqual(await h.store.listSessions(a), [next])
  })

  it('deletes one session, or all but one', async () => {
    const a = uid()
    const [s1, s2, s3, s4] = [0, 1, 2, 3].map((i) => makeSession(a, { createdAt: T0 + i }))
    for (const s of [s1!, s2!, s3!, s4!]) await h.store.createSession(s, LONG)
    assert.equal(await h.store.deleteSession(a, s1!.id), true)
    assert.equal(await h.store.deleteSession(a, s1!.id), false)
    assert.deepEqual((await h.store.deleteSessions(a, s3!.id)).sort(), [s2!.id, s4!.id].sort())
    assert.deepEqual(await h.store.listSessions(a), [s3])
    assert.deepEqual(await h.store.deleteSessions(a), [s3!.id])
    assert.deepEqual(await h.store.listSessions(a), [])
    assert.deepEqual(await h.store.deleteSessions(a), [])
  })

  it('evicts the oldest sessions beyond maxSessions and returns their ids', async () => {
    const a = uid()
    const sessions = Array.from({ length: 11 }, (_, i) => makeSession(a, { createdAt: T0 + i }))
    for (const s of sessions.slice(0, 10)) assert.deepEqual(await h.store.createSession(s, LONG), [])
    assert.deepEqual(await h.store.createSession(sessions[10]!, LONG), [sessions[0]!.id])
    assert.equal(await h.store.getSession(a, sessions[0]!.id), null)
    assert.deepEqual(await h.store.listSessions(a), sessions.slice(1))
    const newest = makeSession(a, { createdAt: T0 + 100 })
    assert.deepEqual(await h.store.createSession(newest, { maxSessions: 3, ttlMs: 60_000 }), sessions.slice(1, 9).map((s) => s.id))
    assert.deepEqual((await h.store.listSessions(a)).map((s) => s.id), [sessions[9]!.id, sessions[10]!.id, newest.id])
  })

  it('never evicts the session being created, and 0 means unlimited', async () => {
    const a = uid()
    const s1 = makeSession(a, { createdAt: T0 + 10 })
    await h.store.createSession(s1, LONG)
    const older = makeSession(a, { createdAt: T0 }) // e.g. a faked clock
    assert.deepEqual(await h.store.createSession(older, { maxSessions: 1, ttlMs: 60_000 }), [s1.id])
    for (let i = 0; i < 12; i++) await h.store.createSession(makeSession(a), { maxSessions: 0, ttlMs: 60_000 })
    assert.equal((await h.store.listSessions(a)).length, 13)
  })

  it('expires sessions after ttlMs, and expired ones leave the cap', async function () {
    slow(this, 1000)
    const acc = makeAccount()
    await h.store.insertAccount(acc)
    const short = makeSession(acc.id, { createdAt: T0 })
    const long = makeSession(acc.id, { createdAt: T0 + 1 })
    await h.store.createSession(short, { maxSessions: 2, ttlMs: 80 })
    await h.store.createSession(long, { maxSessions: 2, ttlMs: 60_000 })
    assert.equal((await h.store.listSessions(acc.id)).length, 2)
    await sleep(200)
    assert.equal(await h.store.getSession(acc.id, short.id), null)
    assert.deepEqual(await h.store.getSessionWithAccount(acc.id, short.id), { session: null, account: acc })
    assert.deepEqual(await h.store.listSessions(acc.id), [long])
    assert.equal(await h.store.replaceSession(short, 60_000), false)
    assert.deepEqual(await h.store.createSession(makeSession(acc.id, { createdAt: T0 + 2 }), { maxSessions: 2, ttlMs: 60_000 }), [])
    assert.equal((await h.store.listSessions(acc.id)).length, 2)
  })

  it('round-trips sessions through JSON', async () => {
    const a = uid()
    const s = makeSession(a)
    await h.store.createSession(s, LONG)
    s.factors.push('mutated-input')
    const got = (await h.store.getSession(a, s.id))!
    assert.deepEqual(got.factors, ['password'])
    got.client.clientName = 'mutated-output'
    assert.equal((await h.store.listSessions(a))[0]!.client.clientName, 'Firefox')
  })
}
