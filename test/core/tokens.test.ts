import assert from 'node:assert/strict'
import { Accounts } from '../../lib/accounts.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { TestClock, SECRET } from '../support/app.js'

describe('core: tokens', () => {
  const clock = new TestClock()
  const store = new MemoryStore()
  const accounts = new Accounts({ store, project: 'test', secret: SECRET, bcryptCost: 4, clock })

  it('stores only a keyed hash of the secret', async () => {
    const { token, secret } = await accounts.tokens.issue('acc1', 'email-otp', { format: 'code', ttl: 900 })
    assert.match(secret, /^\d{6}$/)
    assert.notEqual(token.secretHash, secret)
    assert.match(token.secretHash, /^[0-9a-f]{64}$/)
    const other = new Accounts({ store: new MemoryStore(), secret: 'another-secret-of-at-least-32-bytes!!' })
    assert.notEqual(other.tokens.hash(secret), token.secretHash, 'the hash depends on options.secret')
  })

  it('issues 256-bit secrets for links', async () => {
    const { secret } = await accounts.tokens.issue('acc1', 'magic-url', { format: 'secret', ttl: 3600 })
    assert.match(secret, /^[0-9a-f]{64}$/)
  })

  it('redeems once', async () => {
    const { secret } = await accounts.tokens.issue('acc2', 'email-otp', { format: 'code', ttl: 900 })
    assert.ok(await accounts.tokens.redeem('acc2', ['email-otp'], secret))
    assert.equal(await accounts.tokens.redeem('acc2', ['email-otp'], secret), null)
  })

  it('voids the previous token of the same kind on a new issue', async () => {
    const first = await accounts.tokens.issue('acc3', 'email-otp', { format: 'code', ttl: 900 })
    const second = await accounts.tokens.issue('acc3', 'email-otp', { format: 'code', ttl: 900 })
    if (first.secret !== second.secret) assert.equal(await accounts.tokens.redeem('acc3', ['email-otp'], first.secret), null)
    assert.ok(await accounts.tokens.redeem('acc3', ['email-otp'], second.secret))
  })

  it('expires by the core clock', async () => {
    const { secret } = await accounts.tokens.issue('acc4', 'email-otp', { format: 'code', ttl: 900 })
    clock.advance(901_000)
    assert.equal(await accounts.tokens.redeem('acc4', ['email-otp'], secret), null)
  })

  it('dies after 5 wrong secrets', async () => {
    const { secret } = await accounts.tokens.issue('acc5', 'email-otp', { format: 'code', ttl: 900 })
    const wrong = secret === '000000' ? '000001' : '000000'
    for (let i = 0; i < 5; i++) assert.equal(await accounts.tokens.redeem('acc5', ['email-otp'], wrong), null)
    assert.equal(await accounts.tokens.redeem('acc5', ['email-otp'], secret), null)
  })

  it('only matches the kinds asked for', async () => {
    const { secret } = await accounts.tokens.issue('acc6', 'recovery', { format: 'secret', ttl: 3600 })
    assert.equal(await accounts.tokens.redeem('acc6', ['magic-url'], secret), null)
    assert.ok(await accounts.tokens.redeem('acc6', ['recovery'], secret))
  })
})
