/**
 * Issue 9, finding 9 (token part): wrong guesses against a 256-bit link secret can never
 * succeed, so they must never void the owner's valid link. Only 6-digit codes count failures.
 * The attack: a stranger who knows the owner's account id sends 10 wrong secrets (rate limits
 * off, so the limiter is not what stops them); the owner's real link must still work.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  APP_ORIGIN, MEMORY, assertError, mailedCode, mailedLink, passwordUser, redisCase, startHarness, uniqueEmail, type Harness,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })
const wrongSecret = () => randomBytes(32).toString('hex')

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`link secrets: strangers' wrong guesses never void the owner's link (${sc.name})`, function () {
    let h: Harness
    before(async function () {
      sc.available(this)
      h = await startHarness(sc, { rateLimits: false })
    })
    after(() => h?.close())

    it('10 wrong secrets on PUT /account/recovery, then the owner\'s recovery link still works', async () => {
      const user = await passwordUser(h, uniqueEmail('rguess'))
      assert.equal((await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/reset` } })).status, 201)
      const link = fromLink(await mailedLink(h, user.email))
      for (let i = 0; i < 10; i++) {
        assertError(await h.call('PUT', '/account/recovery', { body: { userId: user.id, secret: wrongSecret(), password: 'stranger password' } }), 401, 'user_invalid_token')
      }
      const done = await h.call('PUT', '/account/recovery', { body: { ...link, password: 'the owner chose this' } })
      assert.equal(done.status, 200, JSON.stringify(done.body))
      assert.equal((await h.call('POST', '/account/sessions/email', { body: { email: user.email, password: 'the owner chose this' } })).status, 201)
    })

    it('10 wrong secrets on PUT /account/sessions/magic-url, then the owner\'s magic link still signs in', async () => {
      const email = uniqueEmail('mguess')
      assert.equal((await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })).status, 201)
      const link = fromLink(await mailedLink(h, email))
      for (let i = 0; i < 10; i++) {
        assertError(await h.call('PUT', '/account/sessions/magic-url', { body: { userId: link.userId, secret: wrongSecret() } }), 401, 'user_invalid_token')
      }
      const s = await h.call('PUT', '/account/sessions/magic-url', { body: link })
      assert.equal(s.status, 201, JSON.stringify(s.body))
      assert.equal(s.body.userId, link.userId)
    })

    it('10 wrong secrets on PUT /account/verifications/email, then the owner\'s verification link still works', async () => {
      const user = await passwordUser(h, uniqueEmail('vguess'))
      assert.equal((await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/verify` } })).status, 201)
      const link = fromLink(await mailedLink(h, user.email))
      for (let i = 0; i < 10; i++) {
        // With the key: a guest without the account's session no longer reaches the token.
        assertError(await h.call('PUT', '/account/verifications/email', { key: true, body: { userId: user.id, secret: wrongSecret() } }), 401, 'user_invalid_token')
      }
      assert.equal((await h.call('PUT', '/account/verifications/email', { session: user.session, body: link })).status, 200)
    })

    it('6-digit codes still die at maxTokenFailures (5 wrong, then the right code → 401)', async () => {
      const email = uniqueEmail('cguess')
      const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email } })
      const code = await mailedCode(h, email)
      const wrong = (i: number) => String((Number(code) + i) % 1_000_000).padStart(6, '0')
      for (let i = 1; i <= 5; i++) assertError(await h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret: wrong(i) } }), 401, 'user_invalid_token')
      assertError(await h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret: code } }), 401, 'user_invalid_token')
    })

    it('wrong link secrets still count against a live 6-digit code of the same account (a guess is a guess)', async () => {
      const email = uniqueEmail('mixed')
      const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email } })
      const code = await mailedCode(h, email)
      for (let i = 0; i < 5; i++) assertError(await h.call('PUT', '/account/sessions/magic-url', { body: { userId: t.body.userId, secret: wrongSecret() } }), 401, 'user_invalid_token')
      assertError(await h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret: code } }), 401, 'user_invalid_token')
    })
  })
}
