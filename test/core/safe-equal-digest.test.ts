import assert from 'node:assert/strict'
import fc from 'fast-check'
import { safeEqualDigest, sha256Hex } from '../../lib/secrets.js'

// The stored session hash against the presented secret's (lib/secrets.ts): compared in JS with
// no branch on the content, so it must still answer exactly like `===` on every input.
describe('safeEqualDigest', () => {
  it('answers as === does for any two strings, hex digests or not', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => safeEqualDigest(a, b) === (a === b)))
    fc.assert(fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (a, b) => safeEqualDigest(a, b) === (a === b)))
  })

  it('tells a digest from the same digest with any one character changed, wherever it is', () => {
    const digest = sha256Hex('a secret')
    assert.equal(safeEqualDigest(digest, sha256Hex('a secret')), true)
    for (let i = 0; i < digest.length; i++) {
      for (const c of ['0', 'f', 'g', '\u0100', '\u{1F600}']) {
        const changed = digest.slice(0, i) + c + digest.slice(i + 1)
        if (changed !== digest) assert.equal(safeEqualDigest(digest, changed), false, `position ${i}, ${JSON.stringify(c)}`)
      }
    }
    assert.equal(safeEqualDigest(digest, digest.slice(1)), false)
    assert.equal(safeEqualDigest('', digest), false)
    assert.equal(safeEqualDigest(digest, digest.toUpperCase()), false)
  })
})
