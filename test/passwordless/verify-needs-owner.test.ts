/**
 * Review finding H1: a verification link the squatter has mailed to the victim must not
 * verify the address for the squatter when the victim opens it without a session, or the
 * victim's later email-code sign-in stops being a first proof and lands in the squatter's
 * account. Confirming needs a session of that account (or an API key); anyone else gets
 * `401 user_unauthorized` and the link stays usable. Real HTTP, real SMTP and SMS capture,
 * on MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, MEMORY, assertError, freshPhone, mailedCode, mailedLink, me, passwordUser, redisCase, startHarness, textedCode,
  uniqueEmail, type Harness,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

const SQUAT_PW = 'Squat-Pass-123x'
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`verification confirm needs the account's own session (${sc.name})`, function () {
    let h: Harness
    before(async function () {
      sc.available(this)
      h = await startHarness(sc)
    })
    after(() => h?.close())

    it('the squatter\'s link opened by the victim without a session: 401, nothing verified; the victim\'s code sign-in still takes the account over', async () => {
      const victim = uniqueEmail('vv').toLowerCase()
      const squatter = await passwordUser(h, victim, SQUAT_PW)
      assert.equal((await h.call('POST', '/account/verifications/email', { session: squatter.session, body: { url: `${APP_ORIGIN}/verify` } })).status, 201)
      const link = fromLink(await mailedLink(h, victim))

      for (const path of ['/account/verifications/email', '/account/verification']) {
        const r = await h.call('PUT', path, { body: link })
        assertError(r, 401, 'user_unauthorized')
        assert.match(r.body.message as string, /Sign in to the account first/)
      }
      // Another account's session is no better than none.
      const other = await passwordUser(h, uniqueEmail('other'))
      assertError(await h.call('PUT', '/account/verifications/email', { session: other.session, body: link }), 401, 'user_unauthorized')
      assert.equal((await me(h, squatter.session)).emailVerification, false)

      // The victim's email code is still a first proof: it takes the account over.
      const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: victim } })
      assert.equal(t.status, 201)
      const s = await h.call('POST', '/account/sessions/token', { body: { userId: t.body.userId, secret: await mailedCode(h, victim) } })
      assert.equal(s.status, 201, JSON.stringify(s.body))
      assertError(await h.call('GET', '/account', { session: squatter.session }), 401, 'general_unauthorized_scope')
      assertError(await h.call('POST', '/account/sessions/email', { body: { email: victim, password: SQUAT_PW } }), 401, 'user_invalid_credentials')
    })

    it('the refused link is not spent: the owner signed in confirms it with the same link', async () => {
      const user = await passwordUser(h, uniqueEmail('own'))
      await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/verify` } })
      const link = fromLink(await mailedLink(h, user.email))
      assertError(await h.call('PUT', '/account/verifications/email', { body: link }), 401, 'user_unauthorized')
      assert.equal((await h.call('PUT', '/account/verifications/email', { session: user.session, body: link })).status, 200)
      assert.equal((await me(h, user.session)).emailVerification, true)
    })

    it('an API-key caller may confirm (server code)', async () => {
      const user = await passwordUser(h, uniqueEmail('key'))
      await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/verify` } })
      const link = fromLink(await mailedLink(h, user.email))
      assert.equal((await h.call('PUT', '/account/verifications/email', { key: true, body: link })).status, 200)
      assert.equal((await me(h, user.session)).emailVerification, true)
    })

    it('phone: a code confirmed without the account\'s session is refused and not spent', async () => {
      const user = await passwordUser(h, uniqueEmail('ph'))
      const phone = freshPhone()
      assert.equal((await h.call('PATCH', '/account/phone', { session: user.session, body: { phone, password: 'correct horse battery' } })).status, 200)
      assert.equal((await h.call('POST', '/account/verifications/phone', { session: user.session })).status, 201)
      const code = await textedCode(h, phone)
      for (const path of ['/account/verifications/phone', '/account/verification/phone']) {
        assertError(await h.call('PUT', path, { body: { userId: user.id, secret: code } }), 401, 'user_unauthorized')
      }
      assert.equal((await h.call('PUT', '/account/verifications/phone', { session: user.session, body: { userId: user.id, secret: code } })).status, 200)
      assert.equal((await me(h, user.session)).phoneVerification, true)
    })
  })
}
