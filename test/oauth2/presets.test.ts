/**
 * Preset profile mappers end to end: authorization and token at the real mock provider,
 * the user API answered by a small loopback server in each provider's own shape (GitHub's
 * /user + /user/emails, Discord's /users/@me, GitLab's OIDC userinfo).
 */
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { signUp } from '../support/app.js'
import { api, MockProvider, providerUser, signInFlow, startApp, type RunningApp } from './support.js'

interface AccountBody { $id: string; email: string; emailVerification: boolean; name: string }

describe('OAuth2 presets: profile mapping (GitHub, Discord, GitLab)', () => {
  let p: MockProvider
  let api$: Server
  let apiUrl: string
  /** What the fake provider APIs answer, per path. */
  let answers: Record<string, unknown> = {}
  const seenAuth: string[] = []
  let t: RunningApp

  before(async () => {
    p = await MockProvider.start()
    api$ = createServer((req: IncomingMessage, res) => {
      seenAuth.push(`${req.url} ${req.headers.authorization ?? ''}`)
      const body = answers[req.url ?? '']
      if (body === undefined) {
        res.statusCode = 404
        return res.end('{}')
      }
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(body))
    })
    await new Promise<void>((resolve) => api$.listen(0, '127.0.0.1', resolve))
    apiUrl = `http://127.0.0.1:${(api$.address() as AddressInfo).port}`
    const at = (userInfoPath: string) => ({ clientId: 'c', clientSecret: 's', authorizationUrl: `${p.issuer}/authorize`, tokenUrl: `${p.issuer}/token`, userInfoUrl: `${apiUrl}${userInfoPath}` })
    t = await startApp(p, { oauth2: { github: at('/user'), discord: at('/users/@me'), gitlab: at('/oauth/userinfo') } })
  })
  after(async () => {
    await t.close()
    await p.stop()
    api$.closeAllConnections()
    await new Promise<void>((resolve) => api$.close(() => resolve()))
  })

  it('GitHub: numeric id, the verified primary address from /user/emails, name falls back to login; bearer token sent', async () => {
    const email = providerUser('gh').email!
    answers = {
      '/user': { id: 4242, login: 'octo', name: null, email: null },
      '/user/emails': [{ email: `other.${email}`, primary: false, verified: true }, { email: email.toUpperCase(), primary: true, verified: true }],
    }
    const { value } = await signInFlow(t, 'github')
    const me = await api<AccountBody>(t, '/account', value)
    assert.deepEqual([me.body.email, me.body.emailVerification, me.body.name], [email, true, 'octo'])
    const sessions = await api<{ sessions: Array<{ provider: string; providerUid: string }> }>(t, '/account/sessions', value)
    assert.deepEqual([sessions.body.sessions[0]!.provider, sessions.body.sessions[0]!.providerUid], ['github', '4242'])
    assert.ok(seenAuth.some((s) => s.startsWith('/user/emails Bearer ')), 'the emails API was called with the access token')
  })

  it('GitHub: an unverified primary address does not link to an existing account', async () => {
    const victim = await signUp(t.app)
    answers = {
      '/user': { id: 777001, login: 'mallory', name: 'Mallory', email: victim.email },
      '/user/emails': [{ email: victim.email, primary: true, verified: false }],
    }
    const { value } = await signInFlow(t, 'github')
    const me = await api<AccountBody>(t, '/account', value)
    assert.notEqual(me.body.$id, victim.id)
    assert.deepEqual(await t.accounts.listIdentities(victim.id), [])
  })

  it('GitHub: without access to /user/emails, the public email counts as unverified', async () => {
    const owner = await signUp(t.app)
    answers = { '/user': { id: 777002, login: 'pub', name: 'Pub', email: owner.email } }
    const { value } = await signInFlow(t, 'github')
    assert.notEqual((await api<AccountBody>(t, '/account', value)).body.$id, owner.id)
  })

  it('GitHub: a verified primary address links to the existing account', async () => {
    const owner = await verifiedOwner(t)
    answers = { '/user': { id: 777003, login: 'own' }, '/user/emails': [{ email: owner.email, primary: true, verified: true }] }
    const { value } = await signInFlow(t, 'github')
    assert.equal((await api<AccountBody>(t, '/account', value)).body.$id, owner.id)
  })

  it('Discord: id, email, `verified` flag and global_name', async () => {
    const owner = await verifiedOwner(t)
    answers = { '/users/@me': { id: '80351110224678912', username: 'nelly', global_name: 'Nelly', email: owner.email, verified: true } }
    const { value } = await signInFlow(t, 'discord')
    const me = await api<AccountBody>(t, '/account', value)
    assert.equal(me.body.$id, owner.id, 'verified → linked')
    const identities = await api<{ identities: Array<{ provider: string; providerUid: string }> }>(t, '/account/identities', value)
    assert.deepEqual(identities.body.identities.map((i) => [i.provider, i.providerUid]), [['discord', '80351110224678912']])

    const victim = await signUp(t.app)
    answers = { '/users/@me': { id: '80351110224678913', username: 'eve', email: victim.email, verified: false } }
    const second = await signInFlow(t, 'discord')
    const eve = await api<AccountBody>(t, '/account', second.value)
    assert.notEqual(eve.body.$id, victim.id)
    assert.equal(eve.body.name, 'eve', 'username when there is no global_name')
  })

  it('GitLab: OIDC claims (sub, email, email_verified, name)', async () => {
    const email = providerUser('gl').email!
    answers = { '/oauth/userinfo': { sub: '1234', email, email_verified: true, name: 'Gita Lab' } }
    const { value } = await signInFlow(t, 'gitlab')
    const me = await api<AccountBody>(t, '/account', value)
    assert.deepEqual([me.body.email, me.body.emailVerification, me.body.name], [email, true, 'Gita Lab'])
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
