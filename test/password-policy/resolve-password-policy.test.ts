import assert from 'node:assert/strict'
import { PASSWORD_POLICY_DEFAULTS, resolvePasswordPolicy, type PasswordPolicyOptions } from '../../lib/password-policy/index.js'

describe('password policy: options', () => {
  it('defaults: 8–256 bytes, dictionary on, personal data on, no history', () => {
    assert.deepEqual({ ...resolvePasswordPolicy() }, { minLength: 8, maxLength: 256, dictionary: true, personalData: true, history: 0 })
    assert.deepEqual(resolvePasswordPolicy({}), PASSWORD_POLICY_DEFAULTS)
  })

  it('keeps what is given and freezes the result', () => {
    const p = resolvePasswordPolicy({ minLength: 12, dictionary: false, personalData: false, history: 5 })
    assert.deepEqual({ ...p }, { minLength: 12, maxLength: 256, dictionary: false, personalData: false, history: 5 })
    assert.ok(Object.isFrozen(p))
  })

  it('accepts the bounds', () => {
    assert.equal(resolvePasswordPolicy({ minLength: 8 }).minLength, 8)
    assert.equal(resolvePasswordPolicy({ minLength: 256 }).minLength, 256)
    assert.equal(resolvePasswordPolicy({ history: 20 }).history, 20)
  })

  const bad: Array<[string, unknown, RegExp]> = [
    ['minLength below Appwrite’s floor', { minLength: 7 }, /options\.passwordPolicy\.minLength must be an integer from 8 to 256/],
    ['minLength above the maximum', { minLength: 257 }, /minLength/],
    ['minLength not an integer', { minLength: 9.5 }, /minLength/],
    ['minLength a string', { minLength: '10' }, /minLength/],
    ['minLength NaN', { minLength: NaN }, /minLength/],
    ['dictionary not a boolean', { dictionary: 'yes' }, /options\.passwordPolicy\.dictionary must be a boolean/],
    ['personalData not a boolean', { personalData: 1 }, /options\.passwordPolicy\.personalData must be a boolean/],
    ['history negative', { history: -1 }, /options\.passwordPolicy\.history must be an integer from 0 to 20/],
    ['history above 20', { history: 21 }, /history/],
    ['history not an integer', { history: 2.5 }, /history/],
    ['not an object', 'strict', /options\.passwordPolicy must be an object/],
    ['null', null, /must be an object/],
    ['an array', [], /must be an object/],
  ]
  for (const [what, options, message] of bad) {
    it(`TypeError: ${what}`, () => {
      assert.throws(() => resolvePasswordPolicy(options as PasswordPolicyOptions), (err: unknown) => {
        assert.ok(err instanceof TypeError, `expected TypeError, got ${String(err)}`)
        assert.match(err.message, message)
        return true
      })
    })
  }
})
