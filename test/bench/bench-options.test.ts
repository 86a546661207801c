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
