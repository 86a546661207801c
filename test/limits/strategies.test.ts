/**
 * Deliver 4: the Passport strategies had no limits at all (a passport app without the router
 * let anyone guess passwords and codes without bound). They now count against the same store
 * counters as their router routes and fail with `429 general_rate_limit_exceeded` (a refusal
 * the client caused: `fail`, not `error`), with `retryAfter` in the failure info.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { SmtpMailer, WebhookSmsSender } from '../../lib/index.js'
import { AnonymousStrategy, EmailOtpStrategy, MagicLinkStrategy, PasswordStrategy, PhoneOtpStrategy } from '../../strategies/index.js'
import { freshEmail } from '../support/app.js'
import { makePassportApp } from '../support/passport-app.js'
import { connectedClient, deleteByPrefix, describeRedis, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

const ATTACKER = '203.0.113.40'
const OWNER = '198.51.100.40'
const PASSWORD = 'correct-horse-battery'

describeRedis('limits: the Passport strategies share the router\'s counters (Deliver 4)', function () {
  let client: TestRedisClient
  let prefix: string
  let smtp: SmtpCapture
  let sms: SmsReceiver
  let t: ReturnType<typeof makePassportApp>

  before(async () => {
    client = await connectedClient()
    prefix = uniquePrefix('strategy-limits')
    smtp = await startSmtpCapture()
    sms = await startSmsReceiver()
    t = makePassportApp(
      client,
      prefix,
      (accounts) => [
        new PasswordStrategy({ accounts }),
        new AnonymousStrategy({ accounts }),
        new EmailOtpStrategy({ accounts }),
        new PhoneOtpStrategy({ accounts }),
        new MagicLinkStrategy({ accounts, url: 'http://localhost:3000/magic' }),
      ],
      {
        withRouter: true,
        rateLimits: true,
        mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }),
        sms: new WebhookSmsSender({ url: sms.url }),
      },
    )
    t.app.set('trust proxy', true)
  })

  after(async () => {
    await new Promise((r) => setTimeout(r, 100))
    await smtp.close()
    await sms.close()
    await deleteByPrefix(client, prefix)
    await client.close()
  })

  const login = (strategy: string, body: Record<string, unknown>, ip = ATTACKER) => request(t.app).post(`/login/${strategy}`).set('X-Forwarded-For', ip).send(body)
  const send = (strategy: string, body: Record<string, unknown>, ip = ATTACKER) => request(t.app).post(`/send/${strategy}`).set('X-Forwarded-For', ip).send(body)
  const router = (path: string, body: Record<string, unknown>, ip = ATTACKER) =>
    request(t.app).post(`/v1/account${path}`).set('X-Appwrite-Project', 'test').set('X-Forwarded-For', ip).send(body)

  function assertLimited(res: request.Response): void {
    assert.equal(res.status, 429, JSON.stringify(res.body))
    assert.equal(res.body.info.type, 'general_rate_limit_exceeded')
    assert.ok(res.body.info.retryAfter > 0, 'retryAfter in the failure info')
  }

  it('PasswordStrategy: 10 wrong tries per IP and email, counted together with the router; the owner from elsewhere signs in', async () => {
    const email = freshEmail('pw')
    await t.accounts.createAccount({ email, password: PASSWORD })
    for (let i = 0; i < 5; i++) await router('/sessions/email', { email, password: 'wrong password' }).expect(401)
    for (let i = 0; i < 5; i++) await login('password', { email, password: 'wrong password' }).expect(401)
    assertLimited(await login('password', { email, password: PASSWORD }))
    await router('/sessions/email', { email, password: PASSWORD }).expect(429)
    await login('password', { email, password: PASSWORD }, OWNER).expect(200)
  })

  it('AnonymousStrategy: 50 per hour per IP', async () => {
    for (let i = 0; i < 50; i++) await login('anonymous', {}, '203.0.113.41').expect(200)
    assertLimited(await login('anonymous', {}, '203.0.113.41'))
    await login('anonymous', {}, '203.0.113.42').expect(200)
  })

  it('EmailOtpStrategy: 10 code requests per IP and email, 10 tries per IP and account', async () => {
    const email = freshEmail('otp')
    for (let i = 0; i < 10; i++) await send('email-otp', { email }).expect(202)
    assertLimited(await send('email-otp', { email }))
    await send('email-otp', { email }, OWNER).expect(202)
    const userId = (await t.accounts.findAccountByEmail(email))!.id
    for (let i = 0; i < 10; i++) await login('email-otp', { userId, code: '000000' }).expect(401)
    assertLimited(await login('email-otp', { userId, code: '000000' }))
    // The same counter as POST /account/sessions/token.
    await router('/sessions/token', { userId, secret: '000000' }).expect(429)
  })

  it('PhoneOtpStrategy: 10 code requests per IP and phone, 10 tries per IP and account', async () => {
    const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
    for (let i = 0; i < 10; i++) await send('phone-otp', { phone }).expect(202)
    assertLimited(await send('phone-otp', { phone }))
    const userId = (await t.accounts.findAccountByPhone(phone))!.id
    for (let i = 0; i < 10; i++) await login('phone-otp', { userId, code: '000000' }).expect(401)
    assertLimited(await login('phone-otp', { userId, code: '000000' }))
    // Redemptions share one per-IP failure count (20): the email and phone tries spent it.
    assertLimited(await login('email-otp', { userId, code: '000000' }))
    await login('phone-otp', { userId, code: '000000' }, OWNER).expect(401)
  })

  it('MagicLinkStrategy: the request shares POST /account/tokens/magic-url\'s 60 per IP and email; the verify phase 10 tries', async function () {
    this.timeout(60_000)
    // Its own IP: the earlier code tries spent ATTACKER's per-IP failures on redemptions.
    const ip = '203.0.113.43'
    const email = freshEmail('magic')
    for (let i = 0; i < 60; i++) await router('/tokens/magic-url', { userId: 'unique()', email, url: 'http://localhost:3000/magic' }, ip).expect(201)
    assertLimited(await send('magic-link', { email }, ip))
    const userId = (await t.accounts.findAccountByEmail(email))!.id
    for (let i = 0; i < 10; i++) await login('magic-link', { userId, secret: 'f'.repeat(64) }, ip).expect(401)
    assertLimited(await login('magic-link', { userId, secret: 'f'.repeat(64) }, ip))
  })
})
