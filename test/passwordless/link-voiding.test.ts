/**
 * Review finding M3: a stranger who knows only the email voided the owner's outstanding
 * links by asking for new ones (each request replaced every earlier token of the kind).
 * 256-bit links are no longer replaced (no guess against them can succeed, so keeping them
 * multiplies nothing); at most LINKS_KEPT (200, more than the limits let a stranger ask for
 * within a link's hour) stay live per kind and account, the oldest dropped, so storage stays
 * bounded with rate limits off. 6-digit codes are still replaced. Real HTTP,
 * real SMTP capture, MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, MEMORY, assertError, mailedCode, mailedLink, passwordUser, redisCase, startHarness, uniqueEmail, type Harness,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'
import { LINKS_KEPT } from '../../lib/core/tokens.js'

const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`a stranger's requests do not void the owner's links (${sc.name})`, function () {
    let h: Harness
    before(async function () {
      sc.available(this)
      h = await startHarness(sc)
    })
    after(() => h?.close())

    const magic = async (email: string) => {
      assert.equal((await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email, url: `${APP_ORIGIN}/m` } })).status, 201)
      return fromLink(await mailedLink(h, email))
    }

    it('magic URL: the owner\'s link still signs in after a stranger asked for another', async () => {
      const user = await passwordUser(h, uniqueEmail('mv'))
      const owners = await magic(user.email)
      await magic(user.email) // the stranger's request (the mail goes to the owner, unread)
      const s = await h.call('PUT', '/account/sessions/magic-url', { body: owners })
      assert.equal(s.status, 201, JSON.stringify(s.body))
    })

    it('recovery: the owner\'s link still resets after a stranger asked for another', async () => {
      const user = await passwordUser(h, uniqueEmail('rv'))
      await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
      const owners = fromLink(await mailedLink(h, user.email))
      await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
      await mailedLink(h, user.email)
      const r = await h.call('PUT', '/account/recovery', { body: { ...owners, password: 'a brand new passphrase' } })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    })

    it(`at most LINKS_KEPT (${LINKS_KEPT}) live links per kind, more than the 180 an hour a stranger may ask for: two more requests drop the two oldest`, async () => {
      assert.ok(LINKS_KEPT > 180, 'the cap exceeds the per-address magic URL limit (lib/limits)')
      const user = await passwordUser(h, uniqueEmail('cap'))
      const links = [await magic(user.email)] // the owner's, through the route
      h.clock.advance(1)
      // The rest through the core (same issue path, no mail to wait for): a strict order of creation.
      for (let i = 1; i < LINKS_KEPT + 2; i++) {
        const issued = await h.accounts.passwordless.sendMagicUrl({ userId: 'unique()', email: user.email, url: `${APP_ORIGIN}/m` })
        links.push({ userId: issued.token.accountId, secret: issued.secret })
        h.clock.advance(1)
      }
      for (const l of links.slice(0, 2)) assertError(await h.call('PUT', '/account/sessions/magic-url', { body: l }), 401, 'user_invalid_token')
      // The oldest survivor and the newest still sign in.
      for (const l of [links[2]!, links.at(-1)!]) assert.equal((await h.call('PUT', '/account/sessions/magic-url', { body: l })).status, 201)
    })

    it('6-digit codes are still replaced: only the latest works', async () => {
      const user = await passwordUser(h, uniqueEmail('code'))
      const ask = async () => {
        const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: user.email } })
        return { userId: t.body.userId as string, code: await mailedCode(h, user.email) }
      }
      const a = await ask()
      const b = await ask()
      if (a.code !== b.code) assertError(await h.call('POST', '/account/sessions/token', { body: { userId: a.userId, secret: a.code } }), 401, 'user_invalid_token')
      assert.equal((await h.call('POST', '/account/sessions/token', { body: { userId: b.userId, secret: b.code } })).status, 201)
    })
  })
}
