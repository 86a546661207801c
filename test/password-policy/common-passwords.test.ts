import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { COMMON_PASSWORDS } from '../../lib/password-policy/common-passwords.js'
import {
  checkPasswordRules,
  COMMON_PASSWORDS_SOURCE,
  commonPasswordCount,
  isCommonPassword,
  resolvePasswordPolicy,
} from '../../lib/password-policy/index.js'
import { COMMON_PASSWORDS_MODULE, renderCommonPasswordsModule } from '../../scripts/build-common-passwords.js'

const APPWRITE_MESSAGE = 'Invalid `password` param: Password must be between 8 and 265 characters long, and should not be one of the commonly used password.'

describe('password policy: common passwords', () => {
  const policy = resolvePasswordPolicy()

  it('ships at least 10,000 distinct passwords, all of 8–256 bytes and lowercase', () => {
    const lines = COMMON_PASSWORDS.split('\n')
    assert.ok(commonPasswordCount() >= 10_000, `only ${commonPasswordCount()} entries`)
    assert.equal(commonPasswordCount(), lines.length, 'duplicate lines')
    for (const p of lines) {
      const bytes = Buffer.byteLength(p, 'utf8')
      assert.ok(bytes >= 8 && bytes <= 256, `${JSON.stringify(p)} is ${bytes} bytes`)
      assert.equal(p, p.toLowerCase())
    }
  })

  it('is exactly what the generator makes from the pinned package (no hand edits, no drift)', () => {
    assert.equal(readFileSync(COMMON_PASSWORDS_MODULE, 'utf8'), renderCommonPasswordsModule())
    const pinned = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> }
    assert.equal(COMMON_PASSWORDS_SOURCE, `@zxcvbn-ts/language-common@${pinned.devDependencies['@zxcvbn-ts/language-common']}`)
  })

  it('keeps the entries that need escaping in a template literal intact', () => {
    assert.ok(isCommonPassword('pa$$w0rd'))
    assert.ok(isCommonPassword('p@ssw0rd'))
  })

  it('refuses password123 with 400 general_argument_invalid and Appwrite’s wording', () => {
    assert.deepEqual(checkPasswordRules(policy, 'password123'), { type: 'general_argument_invalid', code: 400, message: APPWRITE_MESSAGE })
  })

  it('compares case-insensitively', () => {
    for (const p of ['Password123', 'PASSWORD123', 'pAsSwOrD123', 'Qwertyuiop', 'ILOVEYOU1']) {
      assert.equal(checkPasswordRules(policy, p)?.message, APPWRITE_MESSAGE, p)
    }
  })

  it('matches whole passwords only: a common password inside a longer one is not refused', () => {
    assert.ok(isCommonPassword('iloveyou1'))
    assert.equal(checkPasswordRules(policy, 'iloveyou1 but only on tuesdays'), null)
  })

  it('names the parameter and the configured minimum in the message', () => {
    const strict = resolvePasswordPolicy({ minLength: 10 })
    assert.equal(
      checkPasswordRules(strict, 'password123', {}, 'newPassword')?.message,
      'Invalid `newPassword` param: Password must be between 10 and 265 characters long, and should not be one of the commonly used password.',
    )
  })

  it('accepts a strong password', () => {
    assert.equal(isCommonPassword('correct horse battery staple 7'), false)
    assert.equal(checkPasswordRules(policy, 'correct horse battery staple 7'), null)
  })

  it('lets common passwords through when the check is off', () => {
    assert.equal(checkPasswordRules(resolvePasswordPolicy({ dictionary: false }), 'password123'), null)
  })
})
