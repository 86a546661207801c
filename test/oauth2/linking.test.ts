/**
 * Linking rules end to end (issue 5 §3): signed-in caller → that account (anonymous upgraded
 * in place); existing identity → its account; verified provider email → the account with
 * that email; otherwise a new account. An unverified email never takes over an account.
 */
import assert from 'node:assert/strict'
import { signIn, signUp } from '../support/app.js'
import {
  API_KEY, api, COOKIE, FAILURE, failureError, location, MockProvider, PROJECT, providerOptions, providerUser, runFlow, setCookie, signInFlow, startApp, SUCCESS,
  type RunningApp,
} from './support.js'

interface AccountBody { $id: string; email: string; emailVerification: boolean; name: string }
interface IdentityBody { $id: string; provider: string; providerUid: string; providerEmail: string; userId: string }

const startUrl = (t: RunningApp, provider = 'mock', mode = 'sessions') =>
  `${t.endpoint}/account/${mode}/oauth2/${provider}?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`

describe('OAuth2 linking rules (real provider on loopback)', () => {
  let p: MockProvider
  let t: RunningApp

  before(async () => {
    p = await MockProvider.start()
    t = await startApp(p, {
      oauth2: { ...providerOptions(p), microsoft: { clientId: 'ms-client', clientSecret: 'ms-secret', ...p.endpoints() } },
    })
  })
  after(async () => {
    await t.close()
    await p.stop()
  })

  async function anonymous(): Promise<{ id: string; value: string }> {
    const res = await fetch(`${t.endpoint}/account/sessions/anonymous`, { method: 'POST', headers: { 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Key': API_KEY } })
    assert.equal(res.status, 201)
    const body = (await res.json()) as { userId: string; secret: string }
    return { id: body.userId, value: body.secret }
  }

  describe('unverified provider email (pre-account-hijacking defence)', () => {
    it('does NOT take over an existing account with that email: a separate account results, the existing one gets no identity', async () => {
      const victim = await signUp(t.app)
      p.user = providerUser('attacker', { email: victim.email, email_verified: false })
      const { value } = await signInFlow(t)
      const me = await api<AccountBody>(t, '/account', value)
      assert.notEqual(me.body.$id, victim.id)
      assert.equal(me.body.email, '', 'the address is taken: the new account has no email')
      assert.equal(me.body.emailVerification, false)
      assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
      const identities = await api<{ total: number; identities: IdentityBody[] }>(t, '/account/identities', value)
      assert.deepEqual(identities.body.identities.map((i) => [i.userId, i.providerEmail]), [[me.body.$id, victim.email]])
      // The victim's account is untouched and still signs in with its password.
      await signIn(t.app, victim.email, victim.password)
    })

    it('the same holds when the existing account is unverified too, and with different letter case', async () => {
      const victim = await signUp(t.app)
      p.user = providerUser('attacker-case', { email: victim.email.toUpperCase(), email_verified: false })
      const { value } = await signInFlow(t)
      assert.notEqual((await api<AccountBody>(t, '/account', value)).body.$id, victim.id)
      assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
    })

    it('a token-mode sign-in follows the same rule', async () => {
      const victim = await signUp(t.app)
      p.user = providerUser('attacker-token', { email: victim.email, email_verified: false })
      const flow = await runFlow(startUrl(t, 'mock', 'tokens'))
      const done = location(flow.final)
      assert.notEqual(done.searchParams.get('userId'), victim.id)
      assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
    })

    it('with nobody owning the address, a new account takes it, unverified', async () => {
      const user = providerUser('unverified-new', { email_verified: false })
      p.user = user
      const { value } = await signInFlow(t)
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.email, me.body.emailVerification], [user.email, false])
    })

    it('a provider user without any email gets an account without email', async () => {
      p.user = providerUser('no-email', { email: undefined, email_verified: undefined })
      const { value } = await signInFlow(t)
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.email, me.body.emailVerification, me.body.name], ['', false, p.user.name])
    })

    it('Microsoft emails count as unverified even with email_verified: true (no linking by email)', async () => {
      const victim = await signUp(t.app)
      p.user = providerUser('entra', { email: victim.email, email_verified: true })
      const { value } = await signInFlow(t, 'microsoft')
      const me = await api<AccountBody>(t, '/account', value)
      assert.notEqual(me.body.$id, victim.id)
      assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
      const sessions = await api<{ sessions: Array<{ provider: string }> }>(t, '/account/sessions', value)
      assert.equal(sessions.body.sessions[0]!.provider, 'microsoft')
    })

    it('a new Microsoft account gets the address unverified', async () => {
      const user = providerUser('entra-new', { email_verified: true })
      p.user = user
      const { value } = await signInFlow(t, 'microsoft')
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.email, me.body.emailVerification], [user.email, false])
    })
  })

  describe('verified provider email', () => {
    it('links to the existing account with that email (same $id), which then lists the identity', async () => {
      const owner = await verifiedOwner(t)
      const user = providerUser('owner', { email: owner.email, email_verified: true })
      p.user = user
      const { value } = await signInFlow(t)
      const me = await api<AccountBody>(t, '/account', value)
      assert.equal(me.body.$id, owner.id)
      assert.equal(me.body.email, owner.email)
      const identities = await api<{ identities: IdentityBody[] }>(t, '/account/identities', value)
      assert.deepEqual(identities.body.identities.map((i) => [i.provider, i.providerUid, i.userId]), [['mock', user.sub, owner.id]])
      // Password sign-in still works on the linked account.
      await signIn(t.app, owner.email, owner.password)
    })

    it('matches the address case-insensitively', async () => {
      const owner = await verifiedOwner(t)
      p.user = providerUser('owner-case', { email: owner.email.toUpperCase(), email_verified: true })
      const { value } = await signInFlow(t)
      assert.equal((await api<AccountBody>(t, '/account', value)).body.$id, owner.id)
    })

    it('does not absorb a provider login into an account that never verified that email (pre-hijack) → failure?error=user_already_exists', async () => {
      const squatter = await signUp(t.app)
      p.user = providerUser('victim-of-squatter', { email: squatter.email, email_verified: true })
      const flow = await runFlow(startUrl(t))
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_already_exists')
      assert.equal(setCookie(flow.final), undefined)
      assert.deepEqual(await t.accounts.listIdentities(squatter.id), [])
    })

    it('once linked, the identity wins over the email: the provider user keeps landing in that account even after changing address', async () => {
      const owner = await verifiedOwner(t)
      const user = providerUser('owner-moves', { email: owner.email, email_verified: true })
      p.user = user
      await signInFlow(t)
      p.user = { ...user, email: `moved.${user.email}` }
      const { value } = await signInFlow(t)
      assert.equal((await api<AccountBody>(t, '/account', value)).body.$id, owner.id)
      const identities = await api<{ identities: IdentityBody[] }>(t, '/account/identities', value)
      assert.equal(identities.body.identities[0]!.providerEmail, `moved.${user.email}`, 'the identity keeps the latest provider email')
    })

    it('a blocked account is not signed in → failure?error=user_blocked', async () => {
      const user = providerUser('blocked')
      p.user = user
      const { value } = await signInFlow(t)
      assert.equal((await api(t, '/account/status', value, { method: 'PATCH', body: '{}' })).status, 200)
      const flow = await runFlow(startUrl(t))
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_blocked')
      assert.equal(setCookie(flow.final), undefined)
    })
  })

  describe('signed-in caller', () => {
    it('anonymous → OAuth2 (session header): the account keeps its $id and gets the verified email', async () => {
      const anon = await anonymous()
      const user = providerUser('upgrade')
      p.user = user
      const { value } = await signInFlow(t, 'mock', { 'X-Appwrite-Session': anon.value, 'X-Appwrite-Project': PROJECT })
      const me = await api<AccountBody>(t, '/account', value)
      assert.equal(me.body.$id, anon.id)
      assert.deepEqual([me.body.email, me.body.emailVerification], [user.email, true])
      const identities = await api<{ identities: IdentityBody[] }>(t, '/account/identities', value)
      assert.deepEqual(identities.body.identities.map((i) => [i.provider, i.providerUid, i.userId]), [['mock', user.sub, anon.id]])
      const sessions = await api<{ sessions: Array<{ provider: string }> }>(t, '/account/sessions', value)
      assert.deepEqual(sessions.body.sessions.map((s) => s.provider).sort(), ['anonymous', 'mock'])
    })

    it('anonymous → OAuth2 with the session cookie (a browser): same upgrade in place', async () => {
      const anon = await anonymous()
      const user = providerUser('upgrade-cookie')
      p.user = user
      const { value } = await signInFlow(t, 'mock', { Cookie: `${COOKIE}=${encodeURIComponent(anon.value)}` })
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.$id, me.body.email], [anon.id, user.email])
    })

    it('anonymous → OAuth2 in token mode: the token is for the anonymous account', async () => {
      const anon = await anonymous()
      p.user = providerUser('upgrade-token')
      const flow = await runFlow(startUrl(t, 'mock', 'tokens'), { 'X-Appwrite-Session': anon.value })
      assert.equal(location(flow.final).searchParams.get('userId'), anon.id)
    })

    it('anonymous → OAuth2 with an unverified email keeps $id but does not adopt the address', async () => {
      const anon = await anonymous()
      p.user = providerUser('upgrade-unverified', { email_verified: false })
      const { value } = await signInFlow(t, 'mock', { 'X-Appwrite-Session': anon.value })
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.$id, me.body.email, me.body.emailVerification], [anon.id, '', false])
    })

    it('anonymous → OAuth2 with a verified email someone else owns keeps $id and does not take the address', async () => {
      const owner = await signUp(t.app)
      const anon = await anonymous()
      p.user = providerUser('upgrade-taken', { email: owner.email, email_verified: true })
      const { value } = await signInFlow(t, 'mock', { 'X-Appwrite-Session': anon.value })
      const me = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([me.body.$id, me.body.email], [anon.id, ''])
      assert.deepEqual(await t.accounts.listIdentities(owner.id), [])
    })

    it('a signed-in password user attaches a second provider to their account, whatever its email', async () => {
      const me = await signUp(t.app)
      const { value: session } = await signIn(t.app, me.email, me.password)
      const user = providerUser('second-provider')
      p.user = user
      const { value } = await signInFlow(t, 'google', { 'X-Appwrite-Session': session })
      const account = await api<AccountBody>(t, '/account', value)
      assert.deepEqual([account.body.$id, account.body.email], [me.id, me.email])
      const identities = await api<{ identities: IdentityBody[] }>(t, '/account/identities', session)
      assert.deepEqual(identities.body.identities.map((i) => [i.provider, i.providerUid, i.providerEmail]), [['google', user.sub, user.email]])
    })

    it('linking an identity that already belongs to another account → failure?error=user_already_exists', async () => {
      const user = providerUser('owned')
      p.user = user
      const first = await signInFlow(t)
      const ownerId = (await api<AccountBody>(t, '/account', first.value)).body.$id
      const other = await signUp(t.app)
      const { value: session } = await signIn(t.app, other.email, other.password)
      const flow = await runFlow(startUrl(t), { 'X-Appwrite-Session': session })
      const target = location(flow.final)
      assert.equal(`${target.origin}${target.pathname}`, FAILURE)
      assert.equal(failureError(target).type, 'user_already_exists')
      assert.deepEqual(await t.accounts.listIdentities(other.id), [])
      assert.equal((await t.accounts.listIdentities(ownerId)).length, 1)
    })
  })
})

/** An existing password account whose email is verified (only those absorb a provider login by email). */
async function verifiedOwner(t: { app: import('express').Express; accounts: import('../../lib/express-accounts.js').ExpressAccounts }) {
  const owner = await signUp(t.app)
  await t.accounts.update(owner.id, (a) => {
    a.emailVerification = true
  })
  return owner
}
