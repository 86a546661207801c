/**
 * GET /account/identities (queries[] limit/offset, total) and DELETE
 * /account/identities/:identityId, over identities made by real OAuth2 sign-ins.
 */
import assert from 'node:assert/strict'
import { Account, type AppwriteException, Client, Query } from 'node-appwrite'
import { signIn, signUp } from '../support/app.js'
import { api, MockProvider, PROJECT, providerUser, signInFlow, startApp, type ProviderUser, type RunningApp } from './support.js'

interface IdentityBody {
  $id: string; $createdAt: string; $updatedAt: string; userId: string; provider: string; providerUid: string; providerEmail: string
  providerAccessToken: string; providerAccessTokenExpiry: string; providerRefreshToken: string
}
interface IdentityList { total: number; identities: IdentityBody[] }
interface AccountBody { $id: string; email: string }

const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/

describe('OAuth2 identities (list and delete)', () => {
  let p: MockProvider
  let t: RunningApp
  /** An account with two identities: mock (its own email) and google (another email). */
  let owner: { id: string; email: string; value: string }
  let mockUser: ProviderUser
  let googleUser: ProviderUser

  before(async () => {
    p = await MockProvider.start()
    t = await startApp(p)
    mockUser = providerUser('ids-mock')
    p.user = mockUser
    const first = await signInFlow(t)
    const me = await api<AccountBody>(t, '/account', first.value)
    googleUser = providerUser('ids-google')
    p.user = googleUser
    await signInFlow(t, 'google', { 'X-Appwrite-Session': first.value })
    owner = { id: me.body.$id, email: me.body.email, value: first.value }
  })
  after(async () => {
    await t.close()
    await p.stop()
  })

  const sdk = (value: string) => new Account(new Client().setEndpoint(t.endpoint).setProject(PROJECT).setSession(value))

  it('lists both identities, oldest first, in the Identity model', async () => {
    const list = await api<IdentityList>(t, '/account/identities', owner.value)
    assert.equal(list.status, 200)
    assert.equal(list.body.total, 2)
    assert.deepEqual(list.body.identities.map((i) => [i.provider, i.providerUid, i.providerEmail, i.userId]), [
      ['mock', mockUser.sub, mockUser.email, owner.id],
      ['google', googleUser.sub, googleUser.email, owner.id],
    ])
    for (const i of list.body.identities) {
      assert.match(i.$createdAt, DATETIME)
      assert.match(i.$updatedAt, DATETIME)
      assert.match(i.providerAccessTokenExpiry, DATETIME)
      assert.ok(i.providerAccessToken && i.providerRefreshToken, 'provider tokens are stored on the identity')
    }
  })

  it('queries[] limit / offset page through them; total counts all', async () => {
    const limit1 = await api<IdentityList>(t, `/account/identities?queries[0]=${encodeURIComponent(Query.limit(1))}`, owner.value)
    assert.equal(limit1.body.total, 2)
    assert.deepEqual(limit1.body.identities.map((i) => i.provider), ['mock'])
    const page2 = await api<IdentityList>(t, `/account/identities?queries[0]=${encodeURIComponent(Query.limit(1))}&queries[1]=${encodeURIComponent(Query.offset(1))}`, owner.value)
    assert.deepEqual([page2.body.total, page2.body.identities.map((i) => i.provider)], [2, ['google']])
    const beyond = await api<IdentityList>(t, `/account/identities?queries[0]=${encodeURIComponent(Query.offset(5))}`, owner.value)
    assert.deepEqual([beyond.body.total, beyond.body.identities], [2, []])
  })

  it('node-appwrite listIdentities({queries, total}) — total=false → 0', async () => {
    const a = sdk(owner.value)
    const paged = await a.listIdentities({ queries: [Query.limit(1), Query.offset(1)] })
    assert.deepEqual([paged.total, paged.identities.map((i) => i.provider)], [2, ['google']])
    const noTotal = await a.listIdentities({ total: false })
    assert.deepEqual([noTotal.total, noTotal.identities.length], [0, 2])
  })

  it('a malformed query → 400 general_query_invalid', async () => {
    const res = await api<{ type: string }>(t, `/account/identities?queries[0]=${encodeURIComponent('{not json')}`, owner.value)
    assert.deepEqual([res.status, res.body.type], [400, 'general_query_invalid'])
  })

  it('a guest → 401 general_unauthorized_scope', async () => {
    const res = await fetch(`${t.endpoint}/account/identities`, { headers: { 'X-Appwrite-Project': PROJECT } })
    assert.equal(res.status, 401)
    assert.equal(((await res.json()) as { type: string }).type, 'general_unauthorized_scope')
  })

  it("another account never sees or deletes this account's identities (404 user_identity_not_found)", async () => {
    const stranger = await signUp(t.app)
    const { value } = await signIn(t.app, stranger.email, stranger.password)
    const list = await api<IdentityList>(t, '/account/identities', value)
    assert.deepEqual([list.body.total, list.body.identities], [0, []])
    const victimIdentity = (await api<IdentityList>(t, '/account/identities', owner.value)).body.identities[0]!
    const del = await api<{ type: string }>(t, `/account/identities/${victimIdentity.$id}`, value, { method: 'DELETE', body: '{}' })
    assert.deepEqual([del.status, del.body.type], [404, 'user_identity_not_found'])
    assert.equal((await api<IdentityList>(t, '/account/identities', owner.value)).body.total, 2)
  })

  it('DELETE → 204, then 404 user_identity_not_found; the deleted identity no longer signs in to that account', async () => {
    const google = (await api<IdentityList>(t, '/account/identities', owner.value)).body.identities.find((i) => i.provider === 'google')!
    const res = await fetch(`${t.endpoint}/account/identities/${google.$id}`, {
      method: 'DELETE',
      headers: { 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Session': owner.value, 'Content-Type': 'application/json' },
      body: '{}',
    })
    assert.equal(res.status, 204)
    assert.equal(await res.text(), '')
    const again = await sdk(owner.value).deleteIdentity({ identityId: google.$id }).then(() => null, (e: AppwriteException) => e)
    assert.deepEqual([again?.code, again?.type], [404, 'user_identity_not_found'])
    const left = await api<IdentityList>(t, '/account/identities', owner.value)
    assert.deepEqual(left.body.identities.map((i) => i.provider), ['mock'])

    // The google user's email is not the account's: signing in again makes a new account.
    p.user = googleUser
    const { value } = await signInFlow(t, 'google')
    const me = await api<AccountBody>(t, '/account', value)
    assert.notEqual(me.body.$id, owner.id)
    assert.equal(me.body.email, googleUser.email)
    assert.deepEqual((await t.accounts.listIdentities(owner.id)).map((i) => i.provider), ['mock'])
  })

  it('node-appwrite deleteIdentity; a later sign-in with the account’s own verified email links again (new identity, same account)', async () => {
    const mock = (await sdk(owner.value).listIdentities()).identities.find((i) => i.provider === 'mock')!
    await sdk(owner.value).deleteIdentity({ identityId: mock.$id })
    assert.equal((await sdk(owner.value).listIdentities()).total, 0)
    p.user = mockUser
    const { value } = await signInFlow(t)
    assert.equal((await api<AccountBody>(t, '/account', value)).body.$id, owner.id, 'verified email rule')
    const now = await sdk(owner.value).listIdentities()
    assert.equal(now.total, 1)
    assert.notEqual(now.identities[0]!.$id, mock.$id)
  })

  it('an unknown identity id → 404 user_identity_not_found', async () => {
    const err = await sdk(owner.value).deleteIdentity({ identityId: 'does-not-exist' }).then(() => null, (e: AppwriteException) => e)
    assert.deepEqual([err?.code, err?.type], [404, 'user_identity_not_found'])
  })
})
