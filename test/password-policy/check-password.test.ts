import assert from 'node:assert/strict'
import { checkPassword, checkPasswordRules, resolvePasswordPolicy } from '../../lib/password-policy/index.js'

describe('password policy: checkPassword', () => {
  const policy = resolvePasswordPolicy()

  it('refuses a password below the minimum, counted in UTF-8 bytes as Appwrite does', () => {
    assert.deepEqual(checkPasswordRules(policy, 'Zq7!xw'), {
      type: 'general_argument_invalid',
      code: 400,
      message: 'Invalid `password` param: Password must be between 8 and 256 characters long.',
    })
    // 4 characters, 8 bytes: long enough; 4 characters, 7 bytes: too short.
    assert.equal(checkPasswordRules(policy, 'éééé'), null)
    assert.equal(checkPasswordRules(policy, 'éééx')?.type, 'general_argument_invalid')
  })

  it('honours a larger minimum and refuses past 256 bytes', () => {
    const twelve = resolvePasswordPolicy({ minLength: 12 })
    assert.equal(checkPasswordRules(twelve, 'Zq7!xwVb3$')?.message, 'Invalid `password` param: Password must be between 12 and 256 characters long.')
    assert.equal(checkPasswordRules(twelve, 'Zq7!xwVb3$kP'), null)
    assert.equal(checkPasswordRules(policy, 'Zq7!'.repeat(64)), null)
    assert.equal(checkPasswordRules(policy, 'Zq7!'.repeat(64) + 'x')?.type, 'general_argument_invalid')
  })

  it('a common password that also holds personal data is refused as common (Appwrite’s param check comes first)', () => {
    assert.equal(checkPasswordRules(policy, 'michael1', { name: 'Michael' })?.type, 'general_argument_invalid')
  })

  it('accepts a strong password for an account with every field set', async () => {
    const owner = { userId: '65f1c0ffee8a4b21d9e0', email: 'ann.lee@example.com', name: 'Ann Lee', phone: '+14155552671' }
    assert.equal(await checkPassword(policy, 'violet-anchor-93-drift', owner), null)
  })
})
