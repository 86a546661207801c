/**
 * Rate limits on the token routes (wire §2.8, rateLimits: true, non-key callers):
 * POST /account/tokens/email 10 / h per email and per ip; POST /account/sessions/token
 * 10 / h per ip + userId. Key callers are never limited.
 */
import assert from 'node:assert/strict'
import { assertError, freshId, mailsWithin, startHarness, uniqueEmail, type Harness } from './support.js'

describe('passwordless: rate limits (MemoryStore, rateLimits: true)', function () {
  let h: Harness
  beforeEach(async () => {
    h = await startHarness(undefined, { rateLimits: true })
  })
  afterEach(() => h?.close())

  const emailToken = (email: string, key = false) => h.call('POST', '/account/tokens/email', { key, body: { userId: 'unique()', email } })

  it('the 11th POST /account/tokens/email for one email within the hour → 429 general_rate_limit_exceeded', async () => {
    const email = uniqueEmail('rl')
    for (let i = 1; i <= 10; i++) {
      const r = await emailToken(email)
      assert.equal(r.status, 201, `request ${i}`)
      assert.equal(r.headers.get('x-ratelimit-limit'), '10')
      assert.equal(r.headers.get('x-ratelimit-remaining'), String(10 - i))
    }
    const r = await emailToken(email)
    assertError(r, 429, 'general_rate_limit_exceeded')
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0')
  })

  it('a refused request sends no mail', async () => {
    const email = uniqueEmail('nomail')
    for (let i = 0; i < 10; i++) await emailToken(email)
    for (let i = 0; i < 10; i++) await h.smtp.next(email)
    assertError(await emailToken(email), 429, 'general_rate_limit_exceeded')
    assert.equal((await mailsWithin(h, email, 300)).length, 10)
  })

  it('the per-ip counter limits fresh emails from the same address too (url,ip key)', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await emailToken(uniqueEmail(`ip${i}`))).status, 201)
    assertError(await emailToken(uniqueEmail('ip-last')), 429, 'general_rate_limit_exceeded')
  })

  it('API-key callers are not limited', async () => {
    const email = uniqueEmail('key')
    for (let i = 0; i < 12; i++) assert.equal((await emailToken(email, true)).status, 201, `request ${i + 1}`)
  })

  it('POST /account/sessions/token: the 11th attempt for one userId → 429', async () => {
    const userId = freshId()
    for (let i = 0; i < 10; i++) {
      assertError(await h.call('POST', '/account/sessions/token', { body: { userId, secret: '123456' } }), 401, 'user_invalid_token')
    }
    assertError(await h.call('POST', '/account/sessions/token', { body: { userId, secret: '123456' } }), 429, 'general_rate_limit_exceeded')
  })
})
