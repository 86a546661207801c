import assert from 'node:assert/strict'
import { Passwords } from '../../lib/password.js'
import { checkPassword, isRecentlyUsed, nextPasswordHistory, POLICY_ERRORS, resolvePasswordPolicy } from '../../lib/password-policy/index.js'

const COST = 4 // bcrypt's lowest cost: real hashes, fast tests
const passwords = new Passwords({ bcryptCost: COST, bcryptConcurrency: 2, bcryptQueue: 32, bcryptPerClient: 8 })
const verify = (p: string, h: string) => passwords.verify(p, h)
const hashPassword = (p: string, _cost: number) => passwords.hash(p)

describe('password policy: history', () => {
  const olds = ['first-Vellum-71', 'second-Quarry-82', 'third-Harbor-93']
  let history: string[] = []

  before(async () => {
    // Built the way a caller will: one change at a time, keeping the last 3.
    for (const p of olds) history = nextPasswordHistory(history, await hashPassword(p, COST), 3)
  })

  it('refuses each of the last N passwords with 400 password_recently_used', async () => {
    const policy = resolvePasswordPolicy({ history: 3 })
    for (const p of olds) {
      assert.deepEqual(await checkPassword(policy, p, { passwordHistory: history, verify }), {
        type: 'password_recently_used',
        code: 400,
        message: POLICY_ERRORS.password_recently_used.message,
      }, p)
    }
    assert.equal(POLICY_ERRORS.password_recently_used.message, 'The password you are trying to use is similar to your previous password. For your security, please choose a different password and try again.')
  })

  it('accepts a password not in the history', async () => {
    assert.equal(await checkPassword(resolvePasswordPolicy({ history: 3 }), 'fourth-Lantern-04', { passwordHistory: history, verify }), null)
  })

  it('looks only at the last N hashes', async () => {
    assert.equal(await isRecentlyUsed('first-Vellum-71', history, 2, verify), false)
    assert.equal(await isRecentlyUsed('second-Quarry-82', history, 2, verify), true)
    assert.equal(await isRecentlyUsed('third-Harbor-93', history, 1, verify), true)
  })

  it('is off at 0, whatever history is passed', async () => {
    assert.equal(await checkPassword(resolvePasswordPolicy(), 'third-Harbor-93', { passwordHistory: history, verify }), null)
    assert.equal(await isRecentlyUsed('third-Harbor-93', history, 0, verify), false)
  })

  it('compares whole passwords, case included (the hash is of the exact bytes)', async () => {
    assert.equal(await isRecentlyUsed('THIRD-HARBOR-93', history, 3, verify), false)
    assert.equal(await isRecentlyUsed('third-Harbor-9', history, 3, verify), false)
  })

  it('skips empty and malformed entries instead of failing', async () => {
    assert.equal(await isRecentlyUsed('third-Harbor-93', ['', 'not-a-hash', ...history], 5, verify), true)
    assert.equal(await isRecentlyUsed('fourth-Lantern-04', ['', 'not-a-hash'], 5, verify), false)
  })

  it('nextPasswordHistory keeps the last N, oldest first, and nothing at 0', () => {
    assert.deepEqual(nextPasswordHistory(['a', 'b', 'c'], 'd', 3), ['b', 'c', 'd'])
    assert.deepEqual(nextPasswordHistory(['a'], 'b', 3), ['a', 'b'])
    assert.deepEqual(nextPasswordHistory(['a', 'b'], 'c', 0), [])
    assert.equal(history.length, 3)
  })

  it('checks the free rules first: a common password is refused as such, history or not', async () => {
    const common = await hashPassword('password123', COST)
    const refusal = await checkPassword(resolvePasswordPolicy({ history: 3 }), 'password123', { passwordHistory: [common], verify })
    assert.equal(refusal?.type, 'general_argument_invalid')
  })
})
