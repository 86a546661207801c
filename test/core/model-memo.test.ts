import assert from 'node:assert/strict'
import { formatDate } from '../../lib/models.js'

describe('model memos (formatDate)', () => {
  it('formatDate gives Appwrite\'s format for every value, however often it is asked and past the memo\'s size', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        const ms = 1_700_000_000_000 + i * 7_919 + (i % 1000)
        assert.equal(formatDate(ms), new Date(ms).toISOString().replace('Z', '+00:00'))
      }
    }
    assert.equal(formatDate(0), '1970-01-01T00:00:00.000+00:00')
    assert.equal(formatDate(null), '')
    assert.equal(formatDate(undefined), '')
  })

  it('formatDate still throws for an invalid time, every time (nothing is remembered)', () => {
    assert.throws(() => formatDate(Number.NaN), RangeError)
    assert.throws(() => formatDate(Number.NaN), RangeError)
  })
})
