import assert from 'node:assert/strict'
import { checkPasswordRules, containsPersonalData, personalDataParts, POLICY_ERRORS, resolvePasswordPolicy, type PersonalData } from '../../lib/password-policy/index.js'

const REFUSAL = {
  type: 'password_personal_data',
  code: 400,
  message: 'The password you are trying to use contains references to your name, email, phone or userID. For your security, please choose a different password and try again.',
}

const owner: PersonalData = {
  userId: '65f1c0ffee8a4b21d9e0',
  email: 'Jonathan.Smithers+news@example.com',
  name: 'Jonathan Smithers',
  phone: '+14155552671',
}

describe('password policy: personal data', () => {
  const policy = resolvePasswordPolicy()

  it('exports Appwrite’s message for the lead to add to lib/errors.ts', () => {
    assert.equal(POLICY_ERRORS.password_personal_data.message, REFUSAL.message)
    assert.equal(POLICY_ERRORS.password_personal_data.code, 400)
  })

  const refused: Array<[string, string]> = [
    ['the whole name, any case', 'jonathan SMITHERS rules'],
    ['the name without spaces', 'JonathanSmithers!'],
    ['one word of the name', 'xx-Smithers-2024'],
    ['the whole email', 'jonathan.smithers+news@example.com!'],
    ['the email local part', 'my jonathan.smithers+news pass'],
    ['a word of the email local part', 'news-jonathan-77'],
    ['the phone with +', 'call +14155552671 now'],
    ['the phone without +', 'zz14155552671zz'],
    ['the national number', 'home4155552671'],
    ['the national number with separators', 'my (415) 555-2671'],
    ['the user id', 'id=65F1C0FFEE8A4B21D9E0'],
  ]
  for (const [what, password] of refused) {
    it(`refuses ${what}: 400 password_personal_data`, () => {
      assert.deepEqual(checkPasswordRules(policy, password, owner), REFUSAL)
    })
  }

  it('refuses a name-containing password for an account with only a name', () => {
    assert.deepEqual(checkPasswordRules(policy, 'Marguerite-1987!', { name: 'Marguerite' }), REFUSAL)
  })

  it('ignores parts shorter than 4 characters, which would refuse unrelated words', () => {
    const short: PersonalData = { name: 'Ann Lee', email: 'bob@example.com', userId: 'abc' }
    assert.ok(!personalDataParts(short).includes('ann'))
    assert.equal(checkPasswordRules(policy, 'planned fleece bobsled abcd', short), null)
    // The whole name is long enough and still counts.
    assert.deepEqual(checkPasswordRules(policy, 'my name is ann lee!', short), REFUSAL)
  })

  it('accepts a strong password that shares nothing with the account', () => {
    assert.equal(checkPasswordRules(policy, 'violet-anchor-93-drift', owner), null)
  })

  it('skips absent and null fields', () => {
    assert.equal(containsPersonalData('violet-anchor-93-drift', {}), false)
    assert.equal(containsPersonalData('violet-anchor-93-drift', { userId: null, email: null, name: null, phone: null }), false)
  })

  it('lets personal data through when the check is off', () => {
    assert.equal(checkPasswordRules(resolvePasswordPolicy({ personalData: false }), 'JonathanSmithers!', owner), null)
  })
})
