/**
 * Defences added after review: stale links after an address change, pre-registered
 * addresses taken over by their proven owner, sign-ins racing a password reset, the legacy
 * cookie's SameSite, and malformed identity queries.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import type { MailMessage, Mailer } from '../../lib/delivery/delivery.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { API_KEY, PROJECT, freshEmail, makeApp, signIn, signUp, signUpAndIn } from '../support/app.js'

/** Keeps what would have been mailed (an adapter of our own Mailer interface, not a fake store). */
class InboxMailer implements Mailer {
  readonly sent: MailMessage[] = []
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message)
  }
  async next(to: string): Promise<MailMessage> {
    for (let i = 0; i < 100; i++) {
      const found = this.sent.findIndex((m) => m.to === to)
      if (found >= 0) return this.sent.splice(found, 1)[0]!
      await new Promise((r) => setTimeout(r, 5))
    }
    throw new Error(`no mail to ${to}`)
  }
}

const linkOf = (m: MailMessage) => new URL(/https?:\/\/\S+/.exec(m.text)![0])

describe('hardening', () => {
  const inbox = new InboxMailer()
  const { app } = makeApp({ mailer: inbox, allowedRedirectOrigins: ['https://app.example.com'] })

  it('voids magic links and recovery links sent to an address the account no longer has', async () => {
    const user = await signUpAndIn(app)
    await request(app).post('/v1/account/tokens/magic-url').send({ userId: 'unique()', email: user.email, url: 'https://app.example.com/m' }).expect(201)
    const magic = linkOf(await inbox.next(user.email))
    await request(app).post('/v1/account/recovery').send({ email: user.email, url: 'https://app.example.com/r' }).expect(201)
    const reset = linkOf(await inbox.next(user.email))
    await request(app).patch('/v1/account/email').set('X-Appwrite-Session', user.value).send({ email: freshEmail(), password: user.password }).expect(200)
    const q = (u: URL) => ({ userId: u.searchParams.get('userId'), secret: u.searchParams.get('secret') })
    const stale = await request(app).put('/v1/account/sessions/magic-url').send(q(magic)).expect(401)
    assert.equal(stale.body.type, 'user_invalid_token')
    await request(app).put('/v1/account/recovery').send({ ...q(reset), password: 'hijacked-password' }).expect(401)
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
  })

  it('lets the proven owner of a pre-registered address take the account over: the squatter\'s password and sessions end', async () => {
    const email = freshEmail('victim')
    const squatter = await signUp(app, email, 'squatter-password')
    const squatterSession = await signIn(app, email, 'squatter-password')
    await request(app).post('/v1/account/tokens/magic-url').send({ userId: 'unique()', email, url: 'https://app.example.com/m' }).expect(201)
    const link = linkOf(await inbox.next(email))
    const s = await request(app).put('/v1/account/sessions/magic-url').set('X-Appwrite-Key', API_KEY).send({ userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret') }).expect(201)
    assert.equal(s.body.userId, squatter.id)
    await request(app).get('/v1/account').set('X-Appwrite-Session', squatterSession.value).expect(401)
    await request(app).post('/v1/account/sessions/email').send({ email, password: 'squatter-password' }).expect(401)
    const me = await request(app).get('/v1/account').set('X-Appwrite-Session', s.body.secret).expect(200)
    assert.equal(me.body.emailVerification, true)
    assert.equal(me.body.passwordUpdate, '')
  })

  it('does not keep a sign-in session whose password was reset while it was being checked', async () => {
    const store = new MemoryStore()
    const { app: raced, accounts: core } = makeApp({ store })
    const user = await signUp(raced)
    const createSession = store.createSession.bind(store)
    // Interleave: the reset lands after the password check, before the session is stored.
    store.createSession = async (session, opts) => {
      store.createSession = createSession
      await core.updatePassword(user.id, 'the-new-password', user.password)
      return createSession(session, opts)
    }
    const res = await request(raced).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(401)
    assert.equal(res.body.type, 'user_invalid_credentials')
    assert.deepEqual(await core.sessions.list(user.id), [])
    await request(raced).post('/v1/account/sessions/email').send({ email: user.email, password: 'the-new-password' }).expect(201)
  })

  it('never lets a sign-in\'s rehash undo a password change that landed meanwhile', async () => {
    const store = new MemoryStore()
    const { app: low } = makeApp({ store, bcryptCost: 4 })
    const user = await signUp(low)
    const { app: high, accounts: core } = makeApp({ store, bcryptCost: 5 })
    const replace = store.replaceAccount.bind(store)
    let once = true
    store.replaceAccount = async (next, rev) => {
      if (once) {
        once = false
        store.replaceAccount = replace
        await core.updatePassword(user.id, 'changed-meanwhile', user.password)
        return replace(next, rev)
      }
      return replace(next, rev)
    }
    await request(high).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(401)
    await request(high).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(401)
    await request(high).post('/v1/account/sessions/email').send({ email: user.email, password: 'changed-meanwhile' }).expect(201)
  })

  it('gives the legacy cookie the configured SameSite (dropped only for SameSite=None)', async () => {
    const { app: strict } = makeApp({ cookieSameSite: 'strict' })
    const user = await signUp(strict)
    const res = await request(strict).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(201)
    const legacy = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`a_session_${PROJECT}_legacy=`))
    assert.match(legacy ?? '', /SameSite=Strict/)
  })

  it('answers a malformed identities query with 400 general_query_invalid, not 500', async () => {
    const user = await signUpAndIn(app)
    for (const q of ['null', '5', '"x"', '{"method":"equal"}']) {
      const res = await request(app).get(`/v1/account/identities?queries[0]=${encodeURIComponent(q)}`).set('X-Appwrite-Session', user.value).expect(400)
      assert.equal(res.body.type, 'general_query_invalid')
    }
  })

  it('answers the custom MFA factor with 501 user_auth_method_unsupported', async () => {
    const user = await signUpAndIn(app)
    const res = await request(app).post('/v1/account/mfa/challenges').set('X-Appwrite-Session', user.value).send({ factor: 'custom' }).expect(501)
    assert.equal(res.body.type, 'user_auth_method_unsupported')
  })
})

describe('hardening: parallel sign-ins while hashes are upgraded', () => {
  it('lets every correct sign-in through when several rehash the same password at once', async () => {
    const store = new MemoryStore()
    const { app: low } = makeApp({ store, bcryptCost: 4 })
    const user = await signUp(low)
    const { app: high } = makeApp({ store, bcryptCost: 5 })
    const results = await Promise.all(
      Array.from({ length: 4 }, () => request(high).post('/v1/account/sessions/email').send({ email: user.email, password: user.password })),
    )
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201])
  })
})

describe('hardening: who takes an account over on the first proof of an address', () => {
  const inbox = new InboxMailer()
  const texts: string[] = []
  const { app, accounts } = makeApp({
    mailer: inbox,
    sms: { send: async (m) => void texts.push(m.body) },
    allowedRedirectOrigins: ['https://app.example.com'],
  })
  const code = (text: string) => /\d{6}/.exec(text)![0]

  it('never wrecks a proven owner: a verified-email account\'s first SMS sign-in to its unverified phone is refused, nothing changes', async () => {
    const user = await signUpAndIn(app)
    await accounts.update(user.id, (a) => {
      a.emailVerification = true
    })
    await request(app).patch('/v1/account/phone').set('X-Appwrite-Session', user.value).send({ phone: '+14155552671', password: user.password }).expect(200)
    await request(app).post('/v1/account/tokens/phone').send({ userId: 'unique()', phone: '+14155552671' }).expect(201)
    await new Promise((r) => setTimeout(r, 20))
    const refused = await request(app).put('/v1/account/sessions/phone').send({ userId: user.id, secret: code(texts.pop()!) }).expect(401)
    assert.equal(refused.body.type, 'user_unauthorized')
    await request(app).get('/v1/account').set('X-Appwrite-Session', user.value).expect(200)
    await request(app).post('/v1/account/sessions/email').send({ email: user.email, password: user.password }).expect(201)
    const after = (await accounts.getAccount(user.id))!
    assert.deepEqual([after.phone, after.phoneVerification, after.emailVerification], ['+14155552671', false, true])
  })

  it('removes every way in a pre-registrant set up: password, linked identity, TOTP, the unproven phone', async () => {
    const email = freshEmail('squatted')
    const account = await accounts.createAccount({ email, password: 'squatter-password' })
    await accounts.store.insertIdentity({
      id: 'squatter-identity', accountId: account.id, createdAt: Date.now(), updatedAt: Date.now(), provider: 'github', providerUid: 'squatter-gh',
      providerEmail: email, providerAccessToken: '', providerAccessTokenExpiry: null, providerRefreshToken: '',
    })
    await accounts.update(account.id, (a) => {
      a.phone = '+14155552672'
      // MFA off: an authenticator then guards nothing, and the takeover removes it.
      a.totp = { secret: 'sealed', verified: true, lastStep: 0 }
      a.recoveryCodes = { hashes: ['h'], sealed: 'sealed' }
    })
    await request(app).post('/v1/account/tokens/email').send({ userId: 'unique()', email }).expect(201)
    const mail = await inbox.next(email)
    await request(app).post('/v1/account/sessions/token').send({ userId: account.id, secret: code(mail.text) }).expect(201)
    const after = (await accounts.getAccount(account.id))!
    assert.deepEqual(
      [after.passwordHash, after.totp, after.recoveryCodes, after.mfa, after.phone, after.emailVerification],
      [null, null, null, false, '', true],
    )
    assert.deepEqual(await accounts.listIdentities(account.id), [])
    assert.equal(await accounts.store.findIdentityOwner('github', 'squatter-gh'), null)
  })

  it('refuses the first proof on an account with MFA on and an enrolled factor: nothing is removed', async () => {
    const email = freshEmail('mfa-on')
    const account = await accounts.createAccount({ email, password: 'owner-password' })
    await accounts.update(account.id, (a) => {
      a.totp = { secret: 'sealed', verified: true, lastStep: 0 }
      a.mfa = true
    })
    await request(app).post('/v1/account/tokens/email').send({ userId: 'unique()', email }).expect(201)
    const mail = await inbox.next(email)
    const refused = await request(app).post('/v1/account/sessions/token').send({ userId: account.id, secret: code(mail.text) }).expect(401)
    assert.equal(refused.body.type, 'user_unauthorized')
    const after = (await accounts.getAccount(account.id))!
    assert.deepEqual([after.totp, after.mfa, after.emailVerification, after.passwordHash], [{ secret: 'sealed', verified: true, lastStep: 0 }, true, false, account.passwordHash])
  })
})
