/**
 * `passwordlessSignUp: false` (issue 3 item 2: "option to turn that off"): a token request for
 * an unknown email or phone answers the same-shaped 201, sends nothing and creates nothing.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, PASSWORD, assertError, assertTokenShape, freshId, freshPhone, mailedCode, mailsWithin, passwordUser,
  startHarness, uniqueEmail, type Harness,
} from './support.js'

describe('passwordless: passwordlessSignUp false (MemoryStore)', function () {
  let h: Harness
  before(async () => {
    h = await startHarness(undefined, { passwordlessSignUp: false })
  })
  after(() => h?.close())

  it('an unknown email on tokens/email → 201 Token (given userId, secret ""), no mail', async () => {
    const known = await passwordUser(h, uniqueEmail('known'), PASSWORD)
    const unknown = uniqueEmail('unknown')
    const userId = freshId()
    const r = await h.call('POST', '/account/tokens/email', { body: { userId, email: unknown } })
    assert.equal(r.status, 201)
    assertTokenShape(r.body)
    assert.deepEqual([r.body.userId, r.body.secret, r.body.phrase], [userId, '', ''])
    // A known address is still served, and its mail arrives; the unknown one's never does.
    await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: known.email } })
    assert.match(await mailedCode(h, known.email), /^\d{6}$/)
    assert.deepEqual(await mailsWithin(h, unknown, 300), [])
  })
  it('… and creates no account: the id and the email stay free', async () => {
    const email = uniqueEmail('free')
    const userId = freshId()
    assert.equal((await h.call('POST', '/account/tokens/email', { body: { userId, email } })).status, 201)
    const created = await h.call('POST', '/account', { body: { userId, email, password: PASSWORD } })
    assert.equal(created.status, 201, JSON.stringify(created.body))
  })
  it('the answer has the same expiry as a real one', async () => {
    const known = await passwordUser(h, uniqueEmail('exp'), PASSWORD)
    const a = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: known.email } })
    const b = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: uniqueEmail('x') } })
    assert.equal(a.body.expire, b.body.expire)
    await h.smtp.next(known.email)
  })
  it('phrase: true still answers a phrase for an unknown email', async () => {
    const r = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: uniqueEmail(), phrase: true } })
    assert.match(r.body.phrase as string, /^[A-Z][a-z]+ [A-Z][a-z]+$/)
  })
  it('magic URL: known and unknown emails answer alike; only the known one gets mail', async () => {
    const known = await passwordUser(h, uniqueEmail('mk'), PASSWORD)
    const unknown = uniqueEmail('mu')
    const a = await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email: known.email, url: `${APP_ORIGIN}/m` } })
    const b = await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email: unknown, url: `${APP_ORIGIN}/m` } })
    assert.deepEqual([a.status, a.body.userId, a.body.secret], [b.status, b.body.userId, b.body.secret])
    assert.deepEqual([b.status, b.body.userId, b.body.secret], [201, '', ''])
    await h.smtp.next(known.email)
    assert.deepEqual(await mailsWithin(h, unknown, 300), [])
  })
  it('phone: an unknown number → 201, no SMS, no account', async () => {
    const phone = freshPhone()
    const userId = freshId()
    const r = await h.call('POST', '/account/tokens/phone', { body: { userId, phone } })
    assert.deepEqual([r.status, r.body.userId, r.body.secret], [201, userId, ''])
    await new Promise((res) => setTimeout(res, 300))
    assert.equal(h.sms.messages.filter((m) => m.to === phone).length, 0)
    assert.equal((await h.call('POST', '/account', { body: { userId, email: uniqueEmail(), password: PASSWORD } })).status, 201)
  })
  it('redeeming anything for the decoy userId → 401 user_invalid_token', async () => {
    const userId = freshId()
    await h.call('POST', '/account/tokens/email', { body: { userId, email: uniqueEmail() } })
    assertError(await h.call('POST', '/account/sessions/token', { body: { userId, secret: '123456' } }), 401, 'user_invalid_token')
  })
})
