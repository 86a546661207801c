import assert from 'node:assert/strict'
import { sleep, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd, slow } from './bdd.js'

export function counterTests(h: StoreHandle): void {
  const { it } = bdd()
  it('counts hits in a fixed window and starts over after it', async function () {
    slow(this, 3000)
    const key = `login:${uid()}`
    const first = await h.store.hit(key, 1)
    assert.equal(first.count, 1)
    assert.ok(first.resetMs > 0 && first.resetMs <= 1000, `resetMs ${first.resetMs}`)
    assert.equal((await h.store.hit(key, 1)).count, 2)
    const third = await h.store.hit(key, 1)
    assert.equal(third.count, 3)
    assert.ok(third.resetMs <= first.resetMs, 'the window does not slide')
    assert.equal((await h.store.hit(`other:${uid()}`, 1)).count, 1)
    await sleep(1100)
    const next = await h.store.hit(key, 1)
    assert.equal(next.count, 1)
    assert.ok(next.resetMs > 900, `resetMs ${next.resetMs}`)
  })

  it('resets a counter', async () => {
    const key = `otp:${uid()}`
    await h.store.hit(key, 60)
    await h.store.hit(key, 60)
    await h.store.resetHits(key)
    assert.equal((await h.store.hit(key, 60)).count, 1)
    await h.store.resetHits(`never:${uid()}`)
  })
}

export function peekTests(h: StoreHandle): void {
  const { it } = bdd()
  it('peeks at a counter without counting: its count and time left, zeros when absent or expired', async function () {
    slow(this, 3000)
    const key = `peek:${uid()}`
    assert.deepEqual(await h.store.peekHits(key), { count: 0, resetMs: 0 })
    const first = await h.store.hit(key, 1)
    await h.store.hit(key, 1)
    const peeked = await h.store.peekHits(key)
    assert.equal(peeked.count, 2)
    assert.ok(peeked.resetMs > 0 && peeked.resetMs <= first.resetMs, `resetMs ${peeked.resetMs}`)
    assert.equal((await h.store.peekHits(key)).count, 2)
    await sleep(1100)
    assert.deepEqual(await h.store.peekHits(key), { count: 0, resetMs: 0 })
  })
}
