/**
 * node-appwrite 27.1.0 `Users.listIdentities` (`GET /users/identities`): every account's OAuth2
 * identities, with Appwrite's queries on its allowed attributes and `search`, over identities
 * made by real OAuth2 sign-ins (the local mock provider) and seeded ones; on both stores.
 */
import assert from 'node:assert/strict'
import { Client, ID, Query, Users } from 'node-appwrite'
import { makeIdentity } from '../../lib/testing/fixtures.js'
import type { IdentityRecord } from '../../lib/store/store.js'
import { APP_ORIGIN, FAILURE, MockProvider, location, providerOptions, providerUser, runFlow, SUCCESS } from '../oauth2/support.js'
import { API_KEY, DATETIME, MEMORY, PROJECT, REDIS, expectError, plain, startServer, uniqueEmail, type StoreCase, type TestServer } from './helpers.js'

const IDENTITY_KEYS = [
  '$id', '$createdAt', '$updatedAt', 'userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessToken',
  'providerAccessTokenExpiry', 'providerRefreshToken',
]

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`node-appwrite: Users.listIdentities (${sc.name})`, function () {
    let p: MockProvider
    let srv: TestServer
    let users: Users
    /** A provider name no other test uses, so each test lists only its own seeded identities. */
    let tag: string
    before(async function () {
      sc.available(this)
      p = await MockProvider.start()
      srv = await startServer(sc, { allowedRedirectOrigins: [APP_ORIGIN], oauth2: providerOptions(p) })
      users = new Users(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setKey(API_KEY))
    })
    after(async () => {
      await srv?.close()
      await p?.stop()
    })
    beforeEach(() => { tag = `p${ID.unique()}` })

    /** `n` identities under `tag`, alternating between two new users, created 1 s apart. */
    const seed = async (n: number, over: (i: number) => Partial<IdentityRecord> = () => ({})) => {
      const owners = [await users.create({ userId: ID.unique(), email: uniqueEmail('ids-a') }), await users.create({ userId: ID.unique(), email: uniqueEmail('ids-b') })]
      const made: IdentityRecord[] = []
      const t0 = srv.clock.now()
      for (let i = 0; i < n; i++) {
        const identity = makeIdentity(owners[i % 2]!.$id, { provider: tag, createdAt: t0 + 1000 * i, updatedAt: t0 + 1000 * i, ...over(i) })
        assert.deepEqual(await srv.accounts.store.insertIdentity(identity), { ok: true })
        made.push(identity)
      }
      return { made, owners }
    }
    const ids = async (queries: string[], search?: string) =>
      (await users.listIdentities({ queries: [Query.equal('provider', tag), ...queries], ...(search === undefined ? {} : { search }) }))
        .identities.map((i) => i.$id)

    it('lists an identity an OAuth2 sign-in made, as Appwrite\'s Identity model, with the total', async () => {
      p.user = providerUser('list-ids', { email: `${tag}@idp.example.com` })
      const flow = await runFlow(`${srv.endpoint}/account/sessions/oauth2/mock?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`)
      assert.equal(location(flow.final).href.split('?')[0], SUCCESS)
      const list = await users.listIdentities({ queries: [Query.equal('providerEmail', `${tag}@idp.example.com`)] })
      assert.equal(list.total, 1)
      const [identity] = list.identities
      assert.deepEqual(Object.keys(identity!).sort(), [...IDENTITY_KEYS].sort())
      assert.deepEqual([identity!.provider, identity!.providerUid, identity!.providerEmail], ['mock', p.user.sub, `${tag}@idp.example.com`])
      for (const k of ['$createdAt', '$updatedAt'] as const) assert.match(identity![k], DATETIME)
      const owner = await users.get({ userId: identity!.userId })
      assert.equal(owner.email, `${tag}@idp.example.com`)
      // The same identity through the user's own list.
      assert.deepEqual(plain((await users.listIdentities({ queries: [Query.equal('userId', owner.$id)] })).identities), plain(list.identities))
      // Without queries: everyone's identities, oldest first, 25 at most.
      const all = await users.listIdentities()
      assert.ok(all.total >= 1 && all.identities.length <= 25)
      assert.ok(all.identities.some((i) => i.$id === identity!.$id) || all.total > 25)
    })

    it('filters with Query.equal, pages with Query.limit / offset / cursorAfter / cursorBefore, orders with orderDesc', async () => {
      const { made, owners } = await seed(5, (i) => ({ providerUid: `uid-${i}` }))
      const all = made.map((i) => i.id)
      const page = await users.listIdentities({ queries: [Query.equal('provider', tag), Query.limit(2)] })
      assert.deepEqual([page.total, page.identities.map((i) => i.$id)], [5, all.slice(0, 2)])
      assert.deepEqual(await ids([Query.limit(2), Query.offset(2)]), all.slice(2, 4))
      assert.deepEqual(await ids([Query.limit(2), Query.cursorAfter(all[1]!)]), all.slice(2, 4))
      assert.deepEqual(await ids([Query.limit(2), Query.cursorBefore(all[3]!)]), all.slice(1, 3))
      assert.deepEqual(await ids([Query.orderDesc('providerUid')]), [...all].reverse())
      assert.deepEqual(await ids([Query.orderDesc('providerUid'), Query.cursorAfter(all[3]!), Query.limit(2)]), [all[2], all[1]])
      assert.deepEqual(await ids([Query.equal('userId', owners[1]!.$id)]), [all[1], all[3]])
      assert.deepEqual(await ids([Query.startsWith('providerUid', 'uid-4')]), [all[4]])
      assert.equal((await users.listIdentities({ queries: [Query.equal('provider', tag)], total: false })).total, 0)
      await expectError(users.listIdentities({ queries: [Query.cursorAfter('no-such-identity')] }), 400, 'general_cursor_not_found')
    })

    it('filters on the access-token expiry, null included', async () => {
      const t0 = srv.clock.now()
      const { made } = await seed(3, (i) => ({ providerAccessTokenExpiry: i === 0 ? null : t0 + 3_600_000 * i }))
      assert.deepEqual(await ids([Query.isNull('providerAccessTokenExpiry')]), [made[0]!.id])
      assert.deepEqual(await ids([Query.greaterThan('providerAccessTokenExpiry', new Date(t0 + 3_600_000).toISOString())]), [made[2]!.id])
      const listed = (await users.listIdentities({ queries: [Query.equal('provider', tag)] })).identities
      assert.deepEqual(listed.map((i) => i.providerAccessTokenExpiry), ['', ...made.slice(1).map((i) => new Date(i.providerAccessTokenExpiry!).toISOString().replace('Z', '+00:00'))])
    })

    it('searches word prefixes of the id, userId, provider, provider uid and provider email', async () => {
      const { made, owners } = await seed(3, (i) => ({ providerEmail: i === 2 ? 'grace.hopper@idp.example.com' : 'someone@idp.example.com' }))
      assert.deepEqual(await ids([], 'grace'), [made[2]!.id])
      assert.deepEqual(await ids([], 'HOPPER idp'), [made[2]!.id])
      assert.deepEqual(await ids([], owners[0]!.$id), [made[0]!.id, made[2]!.id])
      assert.deepEqual((await users.listIdentities({ search: tag })).identities.map((i) => i.$id), made.map((i) => i.id))
      assert.deepEqual(await ids([], 'nobody-has-this'), [])
    })

    it('answers what it cannot do with a 400, never a wider listing', async () => {
      await expectError(users.listIdentities({ queries: [Query.equal('name', 'Ada')] }), 400, 'general_argument_invalid', /Attribute not found in schema: name/)
      await expectError(users.listIdentities({ queries: [Query.equal('providerAccessToken', 'x')] }), 400, 'general_argument_invalid')
      await expectError(users.listIdentities({ queries: [Query.contains('provider', ['x'])] }), 400, 'general_argument_invalid')
      await expectError(users.listIdentities({ queries: [Query.isNull('provider')] }), 400, 'general_argument_invalid')
      await expectError(users.listIdentities({ queries: [Query.limit(5001)] }), 400, 'general_argument_invalid')
      await expectError(users.listIdentities({ queries: ['not json'] }), 400, 'general_query_invalid')
      await expectError(users.listIdentities({ search: 'x'.repeat(257) }), 400, 'general_argument_invalid')
    })
  })
}
