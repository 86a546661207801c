/**
 * Issue 9, finding 7: a token request whose `userId` is an existing account's id and whose
 * address nobody has must answer exactly like a request for a known address (201, the same
 * Token shape), create nothing and send nothing; before, it answered 409 and told anyone
 * that the id exists.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, MEMORY, assertTokenShape, freshId, freshPhone, mailsWithin, passwordUser, redisCase, startHarness, uniqueEmail, type Harness, type Reply,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`token requests with a taken userId are no existence oracle (${sc.name})`, function () {
    let h: Harness
    let owner: { id: string; email: string; session: string }
    before(async function () {
      sc.available(this)
      h = await startHarness(sc)
      owner = await passwordUser(h, uniqueEmail('owner'))
    })
    after(() => h?.close())

    /** Same status, same keys, same value types; `secret` '' for a non-key caller in both. */
    function assertAlike(taken: Reply, known: Reply): void {
      assert.equal(taken.status, 201, JSON.stringify(taken.body))
      assert.equal(known.status, 201, JSON.stringify(known.body))
      assertTokenShape(taken.body)
      assert.deepEqual(Object.keys(taken.body), Object.keys(known.body))
      assert.deepEqual([taken.body.secret, taken.body.phrase], [known.body.secret, known.body.phrase])
    }

    it('POST /account/tokens/magic-url: 201 like a known email (userId "" in both), nothing created or mailed', async () => {
      const nobody = uniqueEmail('nobody-m')
      const taken = await h.call('POST', '/account/tokens/magic-url', { body: { userId: owner.id, email: nobody, url: `${APP_ORIGIN}/m` } })
      const known = await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email: owner.email, url: `${APP_ORIGIN}/m` } })
      assertAlike(taken, known)
      assert.deepEqual([taken.body.userId, known.body.userId], ['', ''])
      assert.deepEqual(await mailsWithin(h, nobody, 300), [])
      await assertNothingCreated('email', nobody)
    })

    it('POST /account/tokens/email: 201 like a known email, nothing created or mailed', async () => {
      const nobody = uniqueEmail('nobody-e')
      const taken = await h.call('POST', '/account/tokens/email', { body: { userId: owner.id, email: nobody } })
      const known = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: owner.email } })
      assertAlike(taken, known)
      assert.deepEqual(await mailsWithin(h, nobody, 300), [])
      await assertNothingCreated('email', nobody)
    })

    it('POST /account/tokens/phone: 201 like a known phone, nothing created or texted', async () => {
      const ownerPhone = freshPhone()
      assert.equal((await h.call('PATCH', '/account/phone', { session: owner.session, body: { phone: ownerPhone, password: 'correct horse battery' } })).status, 200)
      const nobody = freshPhone()
      const taken = await h.call('POST', '/account/tokens/phone', { body: { userId: owner.id, phone: nobody } })
      const known = await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone: ownerPhone } })
      assertAlike(taken, known)
      await new Promise((r) => setTimeout(r, 300))
      assert.deepEqual(h.sms.messages.filter((m) => m.to === nobody), [])
      await assertNothingCreated('phone', nobody)
    })

    /**
     * Nothing was created for the address: a code request with a fresh custom id now creates
     * the account under that id (an account made by the earlier request would answer with its own).
     */
    async function assertNothingCreated(field: 'email' | 'phone', value: string): Promise<void> {
      const path = field === 'email' ? '/account/tokens/email' : '/account/tokens/phone'
      const probe = freshId('probe')
      const r = await h.call('POST', path, { body: { userId: probe, [field]: value } })
      assert.deepEqual([r.status, r.body.userId], [201, probe])
    }
  })
}
