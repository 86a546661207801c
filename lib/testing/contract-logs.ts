import assert from 'node:assert/strict'
import type { AppendLogOptions } from '../store/store.js'
import { bdd } from './bdd.js'
import { DAY, makeAccount, makeLog, T0, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'

const AGE = 90 * DAY
const own = (over: Partial<AppendLogOptions> = {}): AppendLogOptions => ({ lane: 'account', maxEntries: 1000, maxAgeMs: AGE, now: T0, ...over })

export function logTests(h: StoreHandle): void {
  const { it } = bdd()

  it('appends only to an existing account, and lists newest first across lanes', async () => {
    const ghost = uid()
    assert.equal(await h.store.appendLog(makeLog(ghost), own()), false)
    assert.deepEqual(await h.store.listLogs(ghost, { now: T0, maxAgeMs: AGE }), [])
    const a = makeAccount()
    await h.store.insertAccount(a)
    const first = makeLog(a.id, { event: 'user.create', time: T0 })
    const second = makeLog(a.id, { event: 'session.fail', time: T0 + 1 })
    const third = makeLog(a.id, { event: 'session.create.email', time: T0 + 2 })
    const sameMs = makeLog(a.id, { event: 'jwt.create', time: T0 + 2 })
    assert.equal(await h.store.appendLog(first, own()), true)
    assert.equal(await h.store.appendLog(second, own({ lane: 'stranger' })), true)
    await h.store.appendLog(third, own())
    await h.store.appendLog(sameMs, own())
    const listed = await h.store.listLogs(a.id, { now: T0 + 2, maxAgeMs: AGE })
    assert.deepEqual(listed.map((e) => e.event), ['jwt.create', 'session.create.email', 'session.fail', 'user.create'])
    assert.deepEqual(listed[3], first, 'entries come back whole')
  })

  it('keeps at most maxEntries per lane, dropping the oldest; a flooded lane never pushes out the other', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    for (let i = 0; i < 4; i++) await h.store.appendLog(makeLog(a.id, { event: `own.${i}`, time: T0 + i }), own({ maxEntries: 3 }))
    for (let i = 0; i < 20; i++) {
      await h.store.appendLog(makeLog(a.id, { event: `fail.${i}`, time: T0 + 10 + i }), own({ lane: 'stranger', maxEntries: 2 }))
    }
    const events = (await h.store.listLogs(a.id, { now: T0 + 100, maxAgeMs: AGE })).map((e) => e.event)
    assert.deepEqual(events, ['fail.19', 'fail.18', 'own.3', 'own.2', 'own.1'])
  })

  it('each of the three lanes is capped alone: a flooded impersonation lane pushes out neither other', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    await h.store.appendLog(makeLog(a.id, { event: 'own', time: T0 }), own({ maxEntries: 2 }))
    await h.store.appendLog(makeLog(a.id, { event: 'fail', time: T0 + 1 }), own({ lane: 'stranger', maxEntries: 2 }))
    for (let i = 0; i < 20; i++) {
      await h.store.appendLog(makeLog(a.id, { event: `imp.${i}`, time: T0 + 10 + i }), own({ lane: 'impersonation', maxEntries: 2 }))
    }
    const events = (await h.store.listLogs(a.id, { now: T0 + 100, maxAgeMs: AGE })).map((e) => e.event)
    assert.deepEqual(events, ['imp.19', 'imp.18', 'fail', 'own'])
  })

  it('keeps the cap under concurrent appends', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    await Promise.all(Array.from({ length: 60 }, (_, i) => h.store.appendLog(makeLog(a.id, { time: T0 + i }), own({ lane: 'stranger', maxEntries: 7 }))))
    assert.equal((await h.store.listLogs(a.id, { now: T0 + 60, maxAgeMs: AGE })).length, 7)
  })

  it('drops entries older than maxAgeMs when appending, and never lists them', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    await h.store.appendLog(makeLog(a.id, { event: 'old', time: T0 }), own())
    await h.store.appendLog(makeLog(a.id, { event: 'mid', time: T0 + 5 * DAY }), own())
    assert.deepEqual((await h.store.listLogs(a.id, { now: T0 + AGE + DAY, maxAgeMs: AGE })).map((e) => e.event), ['mid'])
    await h.store.appendLog(makeLog(a.id, { event: 'new', time: T0 + AGE + 6 * DAY }), own({ now: T0 + AGE + 6 * DAY }))
    // `mid` is now older than the cap too: gone, whatever `now` a later read passes.
    assert.deepEqual((await h.store.listLogs(a.id, { now: T0, maxAgeMs: AGE * 10 })).map((e) => e.event), ['new'])
  })

  it('deletes the log with the account; a new account with the same id starts empty', async () => {
    const a = makeAccount()
    await h.store.insertAccount(a)
    await h.store.appendLog(makeLog(a.id), own())
    await h.store.appendLog(makeLog(a.id), own({ lane: 'stranger' }))
    await h.store.appendLog(makeLog(a.id), own({ lane: 'impersonation' }))
    assert.equal(await h.store.deleteAccount(a.id), true)
    assert.deepEqual(await h.store.listLogs(a.id, { now: T0, maxAgeMs: AGE }), [])
    assert.equal(await h.store.appendLog(makeLog(a.id), own()), false, 'no log for a deleted account')
    await h.store.insertAccount(makeAccount({ id: a.id }))
    assert.deepEqual(await h.store.listLogs(a.id, { now: T0, maxAgeMs: AGE }), [])
  })
}
