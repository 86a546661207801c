/**
 * Push targets with the real SDKs: the web `appwrite` SDK 27.0.0 (which has the
 * `createPushTarget` / `updatePushTarget` / `deletePushTarget` methods; node-appwrite 27.1.0's
 * Account service has none, push targets being a client feature) and node-appwrite for the
 * account's email target kept in step with `updateEmail`.
 */
import assert from 'node:assert/strict'
import { Account as WebAccount, Client as WebClient, ID as WebID } from 'appwrite'
import { ID, type Account as NodeAccount } from 'node-appwrite'
import {
  DATETIME, MEMORY, PASSWORD, PROJECT, REDIS, assertAccountShape, expectError, fmt, nodeClients, plain, startServer, uniqueEmail,
  type StoreCase, type TestServer,
} from './helpers.js'

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

function webAccount(srv: TestServer, secret: string): WebAccount {
  return new WebAccount(new WebClient().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(secret))
}

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`push targets with the SDKs (${sc.name})`, function () {
    let srv: TestServer
    let web: WebAccount
    let node: NodeAccount
    let userId: string
    let secret: string

    before(async function () {
      sc.available(this)
      srv = await startServer(sc, { maxPushTargets: 3 })
      const c = nodeClients(srv.endpoint)
      const email = uniqueEmail('targets')
      userId = (await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })).$id
      secret = (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret
      web = webAccount(srv, secret)
      node = c.withSession(secret)
    })
    after(() => srv?.close())

    it('node-appwrite 27.1.0 has no push-target methods on Account (a client feature); the web SDK has all three', () => {
      for (const m of ['createPushTarget', 'updatePushTarget', 'deletePushTarget']) {
        assert.equal(typeof (node as unknown as Record<string, unknown>)[m], 'undefined', m)
        assert.equal(typeof (web as unknown as Record<string, unknown>)[m], 'function', m)
      }
    })

    it('createPushTarget → 201 Target; get() lists it after the email target', async () => {
      const at = srv.clock.advance(1000)
      const t = plain(await web.createPushTarget({ targetId: 'device-1', identifier: 'fcm-token-1', providerId: 'fcm' }))
      assert.deepEqual(Object.keys(t), ['$id', '$createdAt', '$updatedAt', 'name', 'userId', 'providerId', 'providerType', 'identifier', 'expired'])
      assert.deepEqual(t, { $id: 'device-1', $createdAt: fmt(at), $updatedAt: fmt(at), name: '', userId, providerId: 'fcm', providerType: 'push', identifier: 'fcm-token-1', expired: false })
      const me = plain(await node.get())
      assertAccountShape(me)
      assert.deepEqual(me.targets.map((x) => [x.providerType, x.$id]), [['email', me.targets[0]?.$id], ['push', 'device-1']])
    })

    it('ID.unique() makes a 20-hex id; without providerId it is null', async () => {
      const t = await web.createPushTarget({ targetId: WebID.unique(), identifier: 'apns-token' })
      assert.match(t.$id, /^[0-9a-f]{20}$/)
      assert.equal(t.providerId ?? null, null)
      await web.deletePushTarget({ targetId: t.$id })
    })

    it('the same targetId again → 409 user_target_already_exists', async () => {
      await expectError(web.createPushTarget({ targetId: 'device-1', identifier: 'other' }), 409, 'user_target_already_exists')
    })

    it('bad targetId, identifier or providerId → 400 general_argument_invalid, nothing stored', async () => {
      await expectError(web.createPushTarget({ targetId: '-bad', identifier: 'x' }), 400, 'general_argument_invalid')
      await expectError(web.createPushTarget({ targetId: 'x'.repeat(37), identifier: 'x' }), 400, 'general_argument_invalid')
      await expectError(web.createPushTarget({ targetId: 'ok1', identifier: '' }), 400, 'general_argument_invalid')
      await expectError(web.createPushTarget({ targetId: 'ok2', identifier: 't'.repeat(256) }), 400, 'general_argument_invalid')
      await expectError(web.createPushTarget({ targetId: 'ok3', identifier: 't', providerId: '_x' }), 400, 'general_argument_invalid')
      assert.equal((await node.get()).targets.length, 2)
    })

    it('updatePushTarget → 200 with the new identifier, expired cleared, the device named from the User-Agent', async () => {
      const record = await srv.accounts.getAccount(userId)
      // As messaging would mark a dead token.
      await srv.accounts.update(userId, (a) => {
        for (const t of a.targets ?? []) if (t.id === 'device-1') t.expired = true
      })
      assert.ok(record)
      const res = await fetch(`${srv.endpoint}/account/targets/device-1/push`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Session': secret, 'User-Agent': IPHONE_UA },
        body: JSON.stringify({ identifier: 'fcm-token-2' }),
      })
      assert.equal(res.status, 200)
      const t = (await res.json()) as Record<string, unknown>
      assert.deepEqual([t.identifier, t.expired, t.name], ['fcm-token-2', false, 'Apple iPhone'])
      assert.match(t.$updatedAt as string, DATETIME)
      const viaSdk = await web.updatePushTarget({ targetId: 'device-1', identifier: 'fcm-token-3' })
      assert.equal(viaSdk.identifier, 'fcm-token-3')
    })

    it("the push routes never reach the email target: PUT / DELETE of its id → 404 user_target_not_found, address unchanged", async () => {
      const me = await node.get()
      const emailTarget = me.targets.find((t) => t.providerType === 'email')
      assert.ok(emailTarget)
      await expectError(web.updatePushTarget({ targetId: emailTarget.$id, identifier: 'attacker@example.com' }), 404, 'user_target_not_found')
      await expectError(web.deletePushTarget({ targetId: emailTarget.$id }), 404, 'user_target_not_found')
      assert.equal((await node.get()).targets.find((t) => t.$id === emailTarget.$id)?.identifier, me.email)
    })

    it('unknown ids → 404 user_target_not_found; another user cannot reach my target', async () => {
      await expectError(web.updatePushTarget({ targetId: 'nope', identifier: 'x' }), 404, 'user_target_not_found')
      await expectError(web.deletePushTarget({ targetId: 'nope' }), 404, 'user_target_not_found')
      const c = nodeClients(srv.endpoint)
      const email = uniqueEmail('other')
      await c.guest.create({ userId: ID.unique(), email, password: PASSWORD })
      const other = webAccount(srv, (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret)
      await expectError(other.updatePushTarget({ targetId: 'device-1', identifier: 'stolen' }), 404, 'user_target_not_found')
      await expectError(other.deletePushTarget({ targetId: 'device-1' }), 404, 'user_target_not_found')
      // Ids are unique per account: the other user may use the same id for its own device.
      assert.equal((await other.createPushTarget({ targetId: 'device-1', identifier: 'theirs' })).identifier, 'theirs')
      assert.equal((await node.get()).targets.find((t) => t.$id === 'device-1')?.identifier, 'fcm-token-3')
    })

    it('a guest → 401 general_unauthorized_scope', async () => {
      const guest = new WebAccount(new WebClient().setEndpoint(srv.endpoint).setProject(PROJECT))
      await expectError(guest.createPushTarget({ targetId: 'g', identifier: 'x' }), 401, 'general_unauthorized_scope')
    })

    it('past maxPushTargets (3 here) → 400 user_target_limit_exceeded; deleting one makes room', async () => {
      await web.createPushTarget({ targetId: 'device-2', identifier: 't2' })
      await web.createPushTarget({ targetId: 'device-3', identifier: 't3' })
      await expectError(web.createPushTarget({ targetId: 'device-4', identifier: 't4' }), 400, 'user_target_limit_exceeded')
      await web.deletePushTarget({ targetId: 'device-3' })
      await web.createPushTarget({ targetId: 'device-4', identifier: 't4' })
      assert.deepEqual((await node.get()).targets.filter((t) => t.providerType === 'push').map((t) => t.$id), ['device-1', 'device-2', 'device-4'])
    })

    it('concurrent creates never overshoot the cap nor share an id', async () => {
      await web.deletePushTarget({ targetId: 'device-2' })
      await web.deletePushTarget({ targetId: 'device-4' })
      const tries = await Promise.allSettled([
        ...Array.from({ length: 6 }, (_, i) => web.createPushTarget({ targetId: `race-${i}`, identifier: `r${i}` })),
        ...Array.from({ length: 4 }, () => web.createPushTarget({ targetId: 'same', identifier: 's' })),
      ])
      const push = (await node.get()).targets.filter((t) => t.providerType === 'push')
      assert.equal(push.length, 3)
      assert.equal(new Set(push.map((t) => t.$id)).size, 3)
      assert.equal(tries.filter((t) => t.status === 'fulfilled').length, 2)
    })

    it('deletePushTarget → 204 and the target is gone', async () => {
      const push = (await node.get()).targets.filter((t) => t.providerType === 'push')
      for (const t of push) await web.deletePushTarget({ targetId: t.$id })
      assert.deepEqual((await node.get()).targets.map((t) => t.providerType), ['email'])
    })

    it('updateEmail (node-appwrite) updates the email target in place: same $id, new identifier', async () => {
      const before = (await node.get()).targets[0]
      assert.ok(before)
      const moved = uniqueEmail('moved')
      const at = srv.clock.advance(1000)
      const after = (await node.updateEmail({ email: moved, password: PASSWORD })).targets
      assert.equal(after.length, 1)
      assert.deepEqual([after[0]?.$id, after[0]?.identifier, after[0]?.$updatedAt, after[0]?.$createdAt], [before.$id, moved.toLowerCase(), fmt(at), before.$createdAt])
    })
  })
}
