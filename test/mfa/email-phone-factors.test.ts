/**
 * Email and phone as second factors (issue 6): the code travels through the real delivery
 * adapters — `SmtpMailer` to the SMTP capture server, `WebhookSmsSender` to the SMS receiver —
 * and needs a verified address. Addresses are verified through the Account API's own
 * verification flows (link by mail, code by SMS).
 */
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { AuthenticationFactor } from 'node-appwrite'
import { extractCode, extractLink } from '../support/smtp-capture.js'
import {
  PASSWORD, challenge, expectError, fmt, newUser, signInAgain, startMfaServer, wrongCode, type MfaServer, type SignedIn, type User,
} from './support.js'

let phoneCounter = 0
const phoneBase = randomInt(10_000)
/** A valid E.164 US number, distinct within the process. */
function freshPhone(): string {
  phoneCounter += 1
  return `+1415555${String((phoneBase + phoneCounter * 7919) % 10_000).padStart(4, '0')}`
}

/** Verifies the account's email the way a person does: POST verification → mailed link → PUT. */
async function verifyEmailByLink(srv: MfaServer, u: User): Promise<void> {
  await u.account.createEmailVerification({ url: `${srv.origin}/verified` })
  const link = extractLink((await srv.smtp!.next(u.email)).text)
  await u.account.updateEmailVerification({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })
  assert.equal((await u.account.get()).emailVerification, true)
}

/** Gives the account a phone and verifies it by the texted code. */
async function verifyPhoneBySms(srv: MfaServer, u: User, phone: string): Promise<void> {
  await u.account.updatePhone({ phone, password: PASSWORD })
  await u.account.createPhoneVerification()
  const code = extractCode((await srv.sms!.next(phone)).body)
  await u.account.updatePhoneVerification({ userId: u.id, secret: code })
  assert.equal((await u.account.get()).phoneVerification, true)
}

/** The code of the next MFA mail to `to`. */
async function mailedCode(srv: MfaServer, to: string): Promise<string> {
  const mail = await srv.smtp!.next(to)
  assert.equal(mail.subject, 'Your MFA Test Project verification code')
  return extractCode(mail.text)
}

describe('MFA: the email factor over SMTP (SmtpMailer → smtp-capture)', function () {
  let srv: MfaServer
  let user: User
  before(async function () {
    srv = await startMfaServer({ smtp: true })
    user = await newUser(srv, 'email')
  })
  after(() => srv?.close())

  it('an unverified email: createMFAChallenge({factor: email}) → 400 user_email_not_verified, nothing mailed', async function () {
    await expectError(user.account.createMFAChallenge({ factor: AuthenticationFactor.Email }), 400, 'user_email_not_verified')
    assert.equal((await user.account.listMFAFactors()).email, false)
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(srv.smtp!.messages.length, 0)
  })

  it('a verified email is a factor; turning MFA on credits the current session with it', async function () {
    await verifyEmailByLink(srv, user)
    assert.equal((await user.account.listMFAFactors()).email, true)
    await user.account.updateMFA({ mfa: true })
    const s = await user.account.getSession({ sessionId: 'current' })
    assert.deepEqual(s.factors, ['password', 'email'])
  })

  it('a new sign-in is gated; createMFAChallenge({factor: email}) mails a 6-digit code; updateMFAChallenge → Session with email', async function () {
    const s = await signInAgain(srv, user.email)
    await expectError(s.account.get(), 401, 'user_more_factors_required')
    const c = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    assert.deepEqual(Object.keys(c), ['$id', '$createdAt', 'userId', 'expire'], 'no code in the answer')
    const code = await mailedCode(srv, user.email)
    assert.match(code, /^\d{6}$/)
    const session = await s.account.updateMFAChallenge({ challengeId: c.$id, otp: code })
    assert.deepEqual(session.factors, ['password', 'email'])
    assert.equal(session.mfaUpdatedAt, fmt(srv.clock.now()))
    assert.equal((await s.account.get()).$id, user.id)
    // Single use.
    await expectError(s.account.updateMFAChallenge({ challengeId: c.$id, otp: code }), 401, 'user_invalid_token')
  })

  it('a wrong code → 401 user_invalid_token; the right one afterwards still works (under 5 tries)', async function () {
    const s = await signInAgain(srv, user.email)
    const c = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    const code = await mailedCode(srv, user.email)
    await expectError(s.account.updateMFAChallenge({ challengeId: c.$id, otp: wrongCode(null, 0, [code]) }), 401, 'user_invalid_token')
    await s.account.updateMFAChallenge({ challengeId: c.$id, otp: code })
    assert.equal((await s.account.get()).$id, user.id)
  })

  it("the code answers only its own challenge: another account's session cannot use it", async function () {
    const s = await signInAgain(srv, user.email)
    const c = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    const code = await mailedCode(srv, user.email)
    const stranger = await newUser(srv, 'stranger')
    await expectError(stranger.account.updateMFAChallenge({ challengeId: c.$id, otp: code }), 401, 'user_invalid_token')
    await s.account.updateMFAChallenge({ challengeId: c.$id, otp: code })
  })

  it('only the latest challenge of an account is live: a newer one replaces the older', async function () {
    const s = await signInAgain(srv, user.email)
    const first = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    const firstCode = await mailedCode(srv, user.email)
    const second = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    const secondCode = await mailedCode(srv, user.email)
    await expectError(s.account.updateMFAChallenge({ challengeId: first.$id, otp: firstCode }), 401, 'user_invalid_token')
    await s.account.updateMFAChallenge({ challengeId: second.$id, otp: secondCode })
  })

  it('an expired challenge (15 min) → 401 user_invalid_token', async function () {
    const s = await signInAgain(srv, user.email)
    const c = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Email })
    const code = await mailedCode(srv, user.email)
    assert.equal(c.expire, fmt(srv.clock.now() + 15 * 60_000))
    srv.clock.advance((15 * 60 + 1) * 1000)
    await expectError(s.account.updateMFAChallenge({ challengeId: c.$id, otp: code }), 401, 'user_invalid_token')
  })

  it('an account without email → 400 user_email_not_found', async function () {
    const anon = await srv.clients.key.createAnonymousSession()
    const a = srv.clients.withSession(anon.secret)
    await expectError(a.createMFAChallenge({ factor: AuthenticationFactor.Email }), 400, 'user_email_not_found')
  })
})

describe('MFA: the email factor without a mailer', function () {
  let srv: MfaServer
  before(async function () {
    srv = await startMfaServer()
  })
  after(() => srv?.close())

  it('createMFAChallenge({factor: email}) → 503 general_smtp_disabled (even when verified)', async function () {
    const u = await newUser(srv)
    await expectError(u.account.createMFAChallenge({ factor: AuthenticationFactor.Email }), 503, 'general_smtp_disabled')
    await srv.accounts.update(u.id, (a) => {
      a.emailVerification = true
    })
    await expectError(u.account.createMFAChallenge({ factor: AuthenticationFactor.Email }), 503, 'general_smtp_disabled')
  })

  it('createMFAChallenge({factor: phone}) without an SMS sender → 503 general_phone_disabled', async function () {
    const u = await newUser(srv)
    await expectError(u.account.createMFAChallenge({ factor: AuthenticationFactor.Phone }), 503, 'general_phone_disabled')
  })
})

describe('MFA: the phone factor over the SMS webhook (WebhookSmsSender → sms-receiver)', function () {
  let srv: MfaServer
  let user: User
  let phone: string
  before(async function () {
    srv = await startMfaServer({ sms: true })
    user = await newUser(srv, 'phone')
    phone = freshPhone()
  })
  after(() => srv?.close())

  it('no phone → 400 user_phone_not_found; unverified phone → 400 user_phone_not_verified', async function () {
    await expectError(user.account.createMFAChallenge({ factor: AuthenticationFactor.Phone }), 400, 'user_phone_not_found')
    await user.account.updatePhone({ phone, password: PASSWORD })
    await expectError(user.account.createMFAChallenge({ factor: AuthenticationFactor.Phone }), 400, 'user_phone_not_verified')
    assert.equal((await user.account.listMFAFactors()).phone, false)
  })

  it('a verified phone is a factor; MFA on; a new sign-in is gated; the texted code completes the challenge', async function () {
    await verifyPhoneBySms(srv, user, phone)
    assert.equal((await user.account.listMFAFactors()).phone, true)
    await user.account.updateMFA({ mfa: true })
    const s: SignedIn = await signInAgain(srv, user.email)
    await expectError(s.account.get(), 401, 'user_more_factors_required')
    const session = await challenge(s, 'phone', async () => {
      const sms = await srv.sms!.next(phone)
      assert.match(sms.body, /^Your MFA Test Project sign-in verification code is \d{6}\./)
      assert.deepEqual(Object.keys(sms.json).sort(), ['body', 'to'])
      return extractCode(sms.body)
    })
    assert.deepEqual(session.factors, ['password', 'phone'])
    assert.equal((await s.account.get()).phone, phone)
  })

  it('a wrong code → 401; the texted one then works', async function () {
    const s = await signInAgain(srv, user.email)
    const c = await s.account.createMFAChallenge({ factor: AuthenticationFactor.Phone })
    const code = extractCode((await srv.sms!.next(phone)).body)
    await expectError(s.account.updateMFAChallenge({ challengeId: c.$id, otp: wrongCode(null, 0, [code]) }), 401, 'user_invalid_token')
    await s.account.updateMFAChallenge({ challengeId: c.$id, otp: code })
    assert.equal((await s.account.get()).$id, user.id)
  })
})
