/**
 * Tokens are consumed atomically (issue 3 item 3): 20 parallel redemptions of one token
 * against RedisStore (the harness' real Redis, random key prefix) → exactly one winner.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, PASSWORD, freshPhone, mailedCode, mailedLink, passwordUser, redisCase, startHarness, textedCode, uniqueEmail,
  type Harness, type Reply,
} from './support.js'

const N = 20
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

/** Status counts, e.g. `{201: 1, 401: 19}`, and every 401's type. */
function tally(replies: Reply[]): { counts: Record<number, number>; types: Set<unknown> } {
  const counts: Record<number, number> = {}
  const types = new Set<unknown>()
  for (const r of replies) {
    counts[r.status] = (counts[r.status] ?? 0) + 1
    if (r.status === 401) types.add(r.body.type)
  }
  return { counts, types }
}

describe('passwordless: concurrent redemption on RedisStore', function () {
  const sc = redisCase()
  let h: Harness
  before(async function () {
    sc.available(this)
    h = await startHarness(sc, { rateLimits: false })
  })
  after(() => h?.close())

  /** Fires N redemptions at once (key callers, so the winner's session value is visible). */
  const race = (method: string, path: string, body: Record<string, string>) =>
    Promise.all(Array.from({ length: N }, () => h.call(method, path, { key: true, body })))

  async function oneSession(replies: Reply[]): Promise<void> {
    const { counts, types } = tally(replies)
    assert.deepEqual(counts, { 201: 1, 401: N - 1 })
    assert.deepEqual([...types], ['user_invalid_token'])
    const winner = replies.find((r) => r.status === 201)!
    const list = await h.call('GET', '/account/sessions', { session: winner.body.secret as string })
    assert.equal(list.body.total, 1, 'exactly one session exists')
  }

  it(`email OTP: ${N} parallel POST /account/sessions/token with one code → one 201, ${N - 1} × 401`, async () => {
    const email = uniqueEmail('race')
    const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email } })
    const code = await mailedCode(h, email)
    await oneSession(await race('POST', '/account/sessions/token', { userId: t.body.userId as string, secret: code }))
  })

  it(`magic URL: ${N} parallel PUT /account/sessions/magic-url with one link → one 201`, async () => {
    const email = uniqueEmail('racem')
    await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
    await oneSession(await race('PUT', '/account/sessions/magic-url', fromLink(await mailedLink(h, email))))
  })

  it(`magic URL: ${N} parallel POST /account/sessions/token with one link → one 201`, async () => {
    const email = uniqueEmail('racet')
    await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })
    await oneSession(await race('POST', '/account/sessions/token', fromLink(await mailedLink(h, email))))
  })

  it(`phone OTP: ${N} parallel PUT /account/sessions/phone with one code → one 201`, async () => {
    const phone = freshPhone()
    const t = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone } })
    await oneSession(await race('PUT', '/account/sessions/phone', { userId: t.body.userId as string, secret: await textedCode(h, phone) }))
  })

  it(`recovery: ${N} parallel PUT /account/recovery with one link → one 200`, async () => {
    const user = await passwordUser(h, uniqueEmail('racer'), PASSWORD)
    await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
    const p = fromLink(await mailedLink(h, user.email))
    const replies = await race('PUT', '/account/recovery', { ...p, password: 'a brand new passphrase' })
    assert.deepEqual(tally(replies).counts, { 200: 1, 401: N - 1 })
  })

  it(`${N} parallel email-token requests for one new address make one account`, async () => {
    const email = uniqueEmail('racec')
    const ids = Array.from({ length: N }, (_, i) => `race${i}x${Date.now()}`)
    const replies = await Promise.all(ids.map((userId) => h.call('POST', '/account/tokens/email', { body: { userId, email } })))
    assert.deepEqual(tally(replies).counts, { 201: N })
    const owners = new Set(replies.map((r) => r.body.userId))
    assert.equal(owners.size, 1, `all tokens went to one account, got ${[...owners].join(', ')}`)
    assert.ok(ids.includes([...owners][0] as string), 'one of the requested ids')
    for (let i = 0; i < N; i++) await h.smtp.next(email)
  })

  it(`${N} parallel wrong codes all count: the right code afterwards → 401`, async () => {
    const email = uniqueEmail('racew')
    const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email } })
    const code = await mailedCode(h, email)
    const wrong = Array.from({ length: N }, (_, i) => String((Number(code) + i + 1) % 1_000_000).padStart(6, '0'))
    const replies = await Promise.all(wrong.map((secret) => h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret } })))
    assert.deepEqual(tally(replies).counts, { 401: N })
    const r = await h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret: code } })
    assert.equal(r.status, 401)
  })
})
