import assert from 'node:assert/strict'
import { parseBenchOptions } from '../../bench/bench-options.js'

describe('bench: options', () => {
  it('side-by-side rounds: 12 of 2 s by default, 0 or whole blocks of four', () => {
    const d = parseBenchOptions([])
    assert.deepEqual([d.sideRounds, d.sideDuration], [12, 2])
    assert.deepEqual([parseBenchOptions(['--side-rounds', '0']).sideRounds, parseBenchOptions(['--side-rounds=8', '--side-duration', '1.5']).sideDuration], [0, 1.5])
    assert.throws(() => parseBenchOptions(['--side-rounds', '6']), /multiple of 4/)
    assert.throws(() => parseBenchOptions(['--side-duration', '0']), /--side-duration must be a number ≥ 0.1/)
  })
})

describe('bench: CPU pinning', () => {
  it('gives the measured servers the lower half of the CPUs and the rest the upper half', async () => {
    const { splitCpus } = await import('../../bench/cpu-pinning.js')
    assert.equal(splitCpus(1), null)
    assert.deepEqual(splitCpus(2), { servers: '0', rest: '1' })
    assert.deepEqual(splitCpus(3), { servers: '0', rest: '1-2' })
    assert.deepEqual(splitCpus(8), { servers: '0-3', rest: '4-7' })
    assert.equal(parseBenchOptions(['--no-pin']).pin, false)
    assert.equal(parseBenchOptions([]).pin, true)
  })
})
