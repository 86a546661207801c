/**
 * The bcrypt gate on its own, with work the test finishes by hand (no timing): turns, the
 * queue bound, the per-client share, first come first served.
 */
import assert from 'node:assert/strict'
import { BcryptGate } from '../../lib/bcrypt-gate.js'
import { AccountsError } from '../../lib/errors.js'
import { retryAfterOf } from '../../lib/retry-after.js'

/** A piece of work that ends when the test says so. */
function manual() {
  let finish!: () => void
  const done = new Promise<void>((resolve) => (finish = resolve))
  const started = { value: false }
  return { started, finish, work: async () => ((started.value = true), await done) }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('limits: BcryptGate', function () {
  it('runs `concurrency` at once, queues the rest first come first served, and hands turns over', async () => {
    const gate = new BcryptGate({ concurrency: 2, queue: 10, perClient: 10 })
    const jobs = Array.from({ length: 5 }, manual)
    const runs = jobs.map((j) => gate.run(j.work))
    await tick()
    assert.deepEqual(jobs.map((j) => j.started.value), [true, true, false, false, false])
    assert.deepEqual([gate.inFlight, gate.waiting], [2, 3])
    jobs[1].finish()
    await tick()
    assert.deepEqual(jobs.map((j) => j.started.value), [true, true, true, false, false])
    assert.deepEqual([gate.inFlight, gate.waiting], [2, 2])
    for (const j of jobs) j.finish()
    await Promise.all(runs)
    assert.deepEqual([gate.inFlight, gate.waiting, gate.peakInFlight], [0, 0, 2])
  })

  it('past the queue: 503 general_server_busy with a retry-after, and nothing is left held', async () => {
    const gate = new BcryptGate({ concurrency: 1, queue: 1, perClient: 10 })
    const a = manual()
    const b = manual()
    const runs = [gate.run(a.work), gate.run(b.work)]
    await assert.rejects(gate.run(async () => undefined), (err: unknown) => {
      assert.ok(err instanceof AccountsError)
      assert.equal(err.type, 'general_server_busy')
      assert.equal(err.code, 503)
      assert.equal(retryAfterOf(err), 1)
      return true
    })
    a.finish()
    b.finish()
    await Promise.all(runs)
    await gate.run(async () => undefined)
    assert.deepEqual([gate.inFlight, gate.waiting], [0, 0])
  })

  it('one client holds at most `perClient` places (running or waiting): 429 beyond, others still admitted', async () => {
    const gate = new BcryptGate({ concurrency: 1, queue: 10, perClient: 2 })
    const mine = [manual(), manual()]
    const runs = mine.map((j) => gate.run(j.work, 'client-a'))
    await assert.rejects(gate.run(async () => undefined, 'client-a'), { type: 'general_rate_limit_exceeded', code: 429 })
    const other = manual()
    const theirs = gate.run(other.work, 'client-b')
    assert.equal(gate.waiting, 2)
    mine[0].finish()
    await tick()
    // A finished place is free again for its client.
    const again = manual()
    const more = gate.run(again.work, 'client-a')
    for (const j of [mine[1], other, again]) j.finish()
    await Promise.all([...runs, theirs, more])
    assert.deepEqual([gate.inFlight, gate.waiting, gate.peakInFlight], [0, 0, 1])
  })

  it('a failing piece of work frees its turn and its place', async () => {
    const gate = new BcryptGate({ concurrency: 1, queue: 0, perClient: 1 })
    await assert.rejects(gate.run(async () => Promise.reject(new Error('boom')), 'c'), /boom/)
    await gate.run(async () => undefined, 'c')
    assert.equal(gate.inFlight, 0)
  })
})
