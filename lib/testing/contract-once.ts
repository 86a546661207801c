import assert from 'node:assert/strict'
import { sleep, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd, slow } from './bdd.js'

export function onceTests(h: StoreHandle): void {
  const { it } = bdd()
  it('returns a value once, then null', async () => {
    const key = `state:${uid()}`
    const value = JSON.stringify({ redirect: 'https://app.example.com/?a=1&b={x}', verifier: 'ü🙂' })
    await h.store.putOnce(key, value, 60_000)
    await h.store.putOnce(`state:${uid()}`, 'someone else', 60_000)
    assert.equal(await h.store.takeOnce(key), value)
    assert.equal(await h.store.takeOnce(key), null)
    assert.equal(await h.store.takeOnce(`state:${uid()}`), null)
  })

  it('gives the value to exactly one of 20 concurrent takers', async () => {
    const key = `state:${uid()}`
    await h.store.putOnce(key, 'v', 60_000)
    const got = await Promise.all(Array.from({ length: 20 }, () => h.store.takeOnce(key)))
    assert.deepEqual(got.filter((v) => v !== null), ['v'])
  })

  it('forgets a value after its ttl', async function () {
    slow(this, 2000)
    const [short, long] = [`state:${uid()}`, `state:${uid()}`]
    await h.store.putOnce(short, 'short', 100)
    await h.store.putOnce(long, 'long', 60_000)
    await sleep(250)
    assert.equal(await h.store.takeOnce(short), null)
    assert.equal(await h.store.takeOnce(long), 'long')
  })

  it('replaces a value (and its ttl) on a second put', async function () {
    slow(this, 2000)
    const key = `state:${uid()}`
    await h.store.putOnce(key, 'first', 100)
    await h.store.putOnce(key, 'second', 60_000)
    await sleep(250)
    assert.equal(await h.store.takeOnce(key), 'second')
    assert.equal(await h.store.takeOnce(key), null)
  })
}
