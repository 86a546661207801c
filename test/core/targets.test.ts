/**
 * The core targets API (`accounts.targets`, which the Users service will build on), the email /
 * sms targets kept in step with the account, labels and the impersonator flag, on MemoryStore
 * and RedisStore (where deleting the account must leave no key of it).
 */
import assert from 'node:assert/strict'
import { createAccounts, type ExpressAccounts } from '../../lib/index.js'
import { contactTargetId } from '../../lib/core/contact-targets.js'
import { toAccountModel } from '../../lib/models.js'
import { MEMORY, PASSWORD, redisCase, uniqueEmail, type StoreCase } from '../sdk/helpers.js'
import { connectedClient, keysByPrefix } from '../support/redis.js'
import { TestClock } from '../support/test-clock.js'

const redis = redisCase('targets')

for (const sc of [MEMORY, redis] as StoreCase[]) {
  describe(`core targets, labels, impersonator flag (${sc.name})`, function () {
    let accounts: ExpressAccounts
    let cleanup: () => Promise<void>
    const clock = new TestClock()

    before(function () {
      sc.available(this)
      const made = sc.create()
      cleanup = made.cleanup
      accounts = createAccounts({ store: made.store, secret: 'x'.repeat(32), bcryptCost: 4, clock, maxPushTargets: 2 })
    })
    after(async () => {
      await accounts?.store.close()
      await cleanup?.()
    })

    const newAccount = () => accounts.createAccount({ email: uniqueEmail('core'), password: PASSWORD })

    it('a new account has its email target stored, with the derived id the model always showed', async () => {
      const a = await newAccount()
      assert.deepEqual(a.targets?.map((t) => [t.id, t.providerType, t.identifier]), [[contactTargetId(a.id, 'email', a.email), 'email', a.email]])
    })

    it('phone set → sms target; phone changed → same target, new identifier; phone removed → sms target gone', async () => {
      const a = await newAccount()
      const withPhone = await accounts.update(a.id, (r) => void (r.phone = '+14155550100'))
      const sms = withPhone.targets?.find((t) => t.providerType === 'sms')
      assert.equal(sms?.identifier, '+14155550100')
      clock.advance(1000)
      const moved = await accounts.update(a.id, (r) => void (r.phone = '+14155550101'))
      const after = moved.targets?.find((t) => t.providerType === 'sms')
      assert.deepEqual([after?.id, after?.identifier, after?.updatedAt], [sms?.id, '+14155550101', clock.now()])
      const removed = await accounts.update(a.id, (r) => void (r.phone = ''))
      assert.deepEqual(removed.targets?.map((t) => t.providerType), ['email'])
    })

    it('a record from before targets were stored keeps its derived ids when first written', async () => {
      const a = await newAccount()
      // As written by an earlier version: no `targets` field.
      const legacy = { ...a, rev: a.rev + 1 }
      delete legacy.targets
      assert.deepEqual(await accounts.store.replaceAccount(legacy, a.rev), { ok: true })
      const shown = toAccountModel((await accounts.getAccount(a.id))!).targets[0]?.$id
      assert.equal(shown, contactTargetId(a.id, 'email', a.email))
      const moved = await accounts.update(a.id, (r) => void (r.email = uniqueEmail('moved').toLowerCase()))
      assert.equal(moved.targets?.[0]?.id, shown, 'the email change kept the id the model showed')
    })

    it('core API: extra email / sms targets (Users service), validated by type; the own-address target cannot be edited or deleted alone', async () => {
      const a = await newAccount()
      const extra = await accounts.targets.create(a.id, { providerType: 'email', identifier: 'Second@Example.com', targetId: 'second' })
      assert.deepEqual([extra.id, extra.identifier, extra.providerType], ['second', 'second@example.com', 'email'])
      await assert.rejects(accounts.targets.create(a.id, { providerType: 'email', identifier: a.email }), { type: 'user_target_already_exists' })
      await assert.rejects(accounts.targets.create(a.id, { providerType: 'sms', identifier: '12345' }), { type: 'general_argument_invalid' })
      await assert.rejects(accounts.targets.create(a.id, { providerType: 'fax' as 'sms', identifier: 'x' }), { type: 'general_argument_invalid' })
      const sms = await accounts.targets.create(a.id, { providerType: 'sms', identifier: '+14155550102' })
      assert.match(sms.id, /^[0-9a-f]{20}$/)
      const own = (await accounts.targets.list(a.id)).find((t) => t.identifier === a.email)
      assert.ok(own)
      await assert.rejects(accounts.targets.update(a.id, own.id, { identifier: 'x@example.com' }), { type: 'general_argument_invalid' })
      await assert.rejects(accounts.targets.delete(a.id, own.id), { type: 'general_argument_invalid' })
      assert.equal((await accounts.targets.update(a.id, 'second', { identifier: 'third@example.com', name: 'work' })).identifier, 'third@example.com')
      await accounts.targets.delete(a.id, 'second')
      assert.deepEqual((await accounts.targets.list(a.id)).map((t) => t.providerType), ['email', 'sms'])
      // Changing the account's email to the extra sms' sibling address leaves extras alone.
      const changed = await accounts.update(a.id, (r) => void (r.email = 'fourth@example.com'))
      assert.deepEqual(changed.targets?.map((t) => [t.id, t.identifier]), [[own.id, 'fourth@example.com'], [sms.id, '+14155550102']])
    })

    it('email changed to an address an extra target already has: that one becomes the email target, the old one goes (no duplicates)', async () => {
      const a = await newAccount()
      const shared = uniqueEmail('shared').toLowerCase()
      await accounts.targets.create(a.id, { providerType: 'email', identifier: shared, targetId: 'extra' })
      const changed = await accounts.update(a.id, (r) => void (r.email = shared))
      assert.deepEqual(changed.targets?.map((t) => [t.id, t.identifier]), [['extra', shared]])
      // …and it now follows the account's email.
      await assert.rejects(accounts.targets.delete(a.id, 'extra'), { type: 'general_argument_invalid' })
    })

    it('maxPushTargets is enforced by the core API too; get() with a type filter', async () => {
      const a = await newAccount()
      await accounts.targets.create(a.id, { providerType: 'push', identifier: 't1', targetId: 'p1' })
      await accounts.targets.create(a.id, { providerType: 'push', identifier: 't2' })
      await assert.rejects(accounts.targets.create(a.id, { providerType: 'push', identifier: 't3' }), { type: 'user_target_limit_exceeded', code: 400 })
      assert.equal((await accounts.targets.get(a.id, 'p1', 'push')).identifier, 't1')
      await assert.rejects(accounts.targets.get(a.id, 'p1', 'email'), { type: 'user_target_not_found', code: 404 })
      await assert.rejects(accounts.targets.list('nobody'), { type: 'user_not_found' })
    })

    it('deleting the account deletes its targets with it (Redis: no key of it is left)', async () => {
      const a = await newAccount()
      await accounts.targets.create(a.id, { providerType: 'push', identifier: 'tok' })
      await accounts.deleteAccount(a.id)
      assert.equal(await accounts.getAccount(a.id), null)
      if (sc === redis) {
        const client = await connectedClient()
        try {
          const keys = await keysByPrefix(client, redis.prefix)
          assert.deepEqual(keys.filter((k) => k.includes(a.id)), [])
        } finally {
          await client.quit()
        }
      }
    })

    it('updateLabels: Appwrite rules (1–36 letters/digits, ≤ 1,000), duplicates dropped, shown in the model', async () => {
      const a = await newAccount()
      const updated = await accounts.updateLabels(a.id, ['admin', 'beta2', 'admin'])
      assert.deepEqual(toAccountModel(updated).labels, ['admin', 'beta2'])
      for (const bad of [['a-b'], [''], ['x'.repeat(37)], ['ümlaut'], [1], 'admin', Array.from({ length: 1001 }, (_, i) => `l${i}`)]) {
        await assert.rejects(accounts.updateLabels(a.id, bad), { type: 'general_argument_invalid', code: 400 }, JSON.stringify(bad).slice(0, 40))
      }
      assert.equal((await accounts.updateLabels(a.id, Array.from({ length: 1000 }, (_, i) => `l${i}`))).labels.length, 1000)
      assert.deepEqual((await accounts.updateLabels(a.id, [])).labels, [])
    })

    it('updateImpersonator sets and clears the flag; unknown account → 404', async () => {
      const a = await newAccount()
      assert.equal(toAccountModel(await accounts.updateImpersonator(a.id, true)).impersonator, true)
      assert.equal(toAccountModel(await accounts.updateImpersonator(a.id, false)).impersonator, false)
      await assert.rejects(accounts.updateImpersonator('nobody', true), { type: 'user_not_found' })
    })
  })
}
