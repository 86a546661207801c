/**
 * Finding 9 (limits): limits keyed only by the target (`param:email`, `param:userId`) let
 * anyone who knows an email or account id spend its owner's allowance and lock the owner out
 * for an hour. Now a stranger's failures count against the stranger's IP (per IP + target
 * pair, and per IP in total); only a target-wide failure count bounds distributed guessing,
 * and it never refuses a client that has signed in to the account before.
 */
import assert from 'node:assert/strict'
import { MEMORY, PASSWORD, REDIS, assertError, forEachStore, startLimitsServer, uniqueEmail, type LimitsServer } from './support.js'

const STRANGER = '203.0.113.66'
const OWNER = '198.51.100.42'
const WRONG_SECRET = 'f'.repeat(64)

describe('limits: strangers cannot lock an owner out (finding 9)', function () {
  forEachStore([MEMORY, REDIS], (sc) => {
    let s: LimitsServer
    beforeEach(async () => {
      s = await startLimitsServer(sc)
    })
    afterEach(() => s?.close())

    /** Fails `n` times from the stranger's IP; the last answer is a 429. */
    async function strangerFails(method: string, path: string, body: Record<string, unknown>, n = 12): Promise<void> {
      let last = 0
      for (let i = 0; i < n; i++) last = (await s.call(method, path, { ip: STRANGER, body })).status
      assert.equal(last, 429, `the stranger is limited on ${method} ${path}`)
    }

    /** The owner's own session, made with the key (keys skip limits). */
    async function ownerSession(email: string): Promise<string> {
      const r = await s.call('POST', '/account/sessions/email', { key: true, body: { email, password: PASSWORD } })
      assert.equal(r.status, 201)
      return r.body.secret as string
    }

    it('password sign-in: 12 wrong passwords for the owner\'s email from one IP; the owner signs in from theirs', async () => {
      const owner = await s.user(uniqueEmail('pw'))
      await strangerFails('POST', '/account/sessions/email', { email: owner.email, password: 'wrong password' })
      const r = await s.call('POST', '/account/sessions/email', { ip: OWNER, body: { email: owner.email, password: PASSWORD } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    })

    it('recovery: 12 bad PUT /account/recovery for the owner\'s id; the owner then recovers from their IP', async () => {
      const owner = await s.user(uniqueEmail('rec'))
      await strangerFails('PUT', '/account/recovery', { userId: owner.id, secret: WRONG_SECRET, password: 'new passphrase 1' })
      assert.equal((await s.call('POST', '/account/recovery', { ip: OWNER, body: { email: owner.email, url: 'https://app.example.com/reset' } })).status, 201)
      const link = await s.mailedLink(owner.email)
      const r = await s.call('PUT', '/account/recovery', {
        ip: OWNER,
        body: { userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret'), password: 'new passphrase 1' },
      })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    })

    it('email verification: 12 bad confirmations for the owner\'s id; the owner then confirms from their IP', async () => {
      const owner = await s.user(uniqueEmail('ver'))
      await strangerFails('PUT', '/account/verifications/email', { userId: owner.id, secret: WRONG_SECRET })
      const session = await ownerSession(owner.email)
      assert.equal((await s.call('POST', '/account/verifications/email', { ip: OWNER, session, body: { url: 'https://app.example.com/verify' } })).status, 201)
      const link = await s.mailedLink(owner.email)
      const r = await s.call('PUT', '/account/verifications/email', { ip: OWNER, session, body: { userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret') } })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    })

    it('phone verification: 12 bad confirmations for the owner\'s id; the owner then confirms from their IP', async () => {
      const owner = await s.user(uniqueEmail('tel'))
      await strangerFails('PUT', '/account/verifications/phone', { userId: owner.id, secret: '123456' })
      const session = await ownerSession(owner.email)
      const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
      assert.equal((await s.call('PATCH', '/account/phone', { ip: OWNER, session, body: { phone, password: PASSWORD } })).status, 200)
      assert.equal((await s.call('POST', '/account/verifications/phone', { ip: OWNER, session })).status, 201)
      const code = await s.textedCode(phone)
      const r = await s.call('PUT', '/account/verifications/phone', { ip: OWNER, session, body: { userId: owner.id, secret: code } })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    })

    it('email code redemption: 12 bad codes for the owner\'s id; the owner then signs in with a code from their IP', async () => {
      const owner = await s.user(uniqueEmail('otp'))
      await strangerFails('POST', '/account/sessions/token', { userId: owner.id, secret: '123456' })
      const t = await s.call('POST', '/account/tokens/email', { ip: OWNER, body: { userId: 'unique()', email: owner.email } })
      assert.equal(t.status, 201)
      const code = await s.mailedCode(owner.email)
      const r = await s.call('POST', '/account/sessions/token', { ip: OWNER, body: { userId: owner.id, secret: code } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    })

    it('token requests: 12 code requests for the owner\'s email from one IP; the owner still gets one', async () => {
      const owner = await s.user(uniqueEmail('req'))
      await strangerFails('POST', '/account/tokens/email', { userId: 'unique()', email: owner.email })
      const r = await s.call('POST', '/account/tokens/email', { ip: OWNER, body: { userId: 'unique()', email: owner.email } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    })

    it('distributed guessing is still bounded: after 30 failures in an hour from several IPs, new IPs are refused but the owner\'s known IP is not', async function () {
      this.timeout(60_000)
      const owner = await s.user(uniqueEmail('dist'))
      // The owner signed in from this address before: it is known to the account.
      assert.equal((await s.call('POST', '/account/sessions/email', { ip: OWNER, body: { email: owner.email, password: PASSWORD } })).status, 201)
      for (let bot = 1; bot <= 3; bot++) {
        for (let i = 0; i < 10; i++) {
          const r = await s.call('POST', '/account/sessions/email', { ip: `192.0.2.${bot}`, body: { email: owner.email, password: `guess ${bot}-${i}` } })
          assert.equal(r.status, 401, `bot ${bot} try ${i}: ${JSON.stringify(r.body)}`)
        }
      }
      // A fourth address, even with the right password: refused (the guess budget is spent).
      assertError(await s.call('POST', '/account/sessions/email', { ip: '192.0.2.4', body: { email: owner.email, password: PASSWORD } }), 429, 'general_rate_limit_exceeded')
      // The owner, from where they signed in before, is not locked out.
      const r = await s.call('POST', '/account/sessions/email', { ip: OWNER, body: { email: owner.email, password: PASSWORD } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
    })
  })
})
