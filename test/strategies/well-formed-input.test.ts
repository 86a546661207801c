/**
 * Issue 9, finding 2, through the strategies: a lone UTF-16 surrogate in any field a strategy
 * reads fails with `400 general_argument_invalid` naming it, before anything is stored, and
 * the account the value names stays usable.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { SmtpMailer } from '../../lib/index.js'
import { EmailOtpStrategy, MagicLinkStrategy, PasswordStrategy, PhoneOtpStrategy } from '../../strategies/index.js'
import { freshEmail } from '../support/app.js'
import { makePassportApp } from '../support/passport-app.js'
import { connectedClient, deleteByPrefix, describeRedis, keysByPrefix, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

describeRedis('strategies refuse strings with a lone surrogate', () => {
  let client: TestRedisClient
  let smtp: SmtpCapture
  let prefix: string
  let t: ReturnType<typeof makePassportApp>
  const password = 'correct-horse-battery'
  let email: string

  before(async () => {
    client = await connectedClient()
    smtp = await startSmtpCapture()
    prefix = uniquePrefix('strategy-input')
    t = makePassportApp(client, prefix, (accounts) => [
      new PasswordStrategy({ accounts }), new EmailOtpStrategy({ accounts }), new PhoneOtpStrategy({ accounts }),
      new MagicLinkStrategy({ accounts, url: 'http://localhost/magic' }),
    ], { mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }) })
    email = freshEmail()
    await t.accounts.createAccount({ email, password })
  })

  after(async () => {
    await deleteByPrefix(client, prefix)
    await client.close()
    await smtp.close()
  })

  const cases: Array<[string, string, Record<string, string>, string]> = [
    ['password: email', '/login/password', { email: 'eve\udfff@example.com', password }, 'email'],
    ['password: password', '/login/password', { email: '', password: `correct\ud800horse` }, 'password'],
    ['email-otp request: email', '/send/email-otp', { email: 'eve\udfff@example.com' }, 'email'],
    ['email-otp verify: email', '/login/email-otp', { email: 'eve\udfff@example.com', code: '123456' }, 'email'],
    ['email-otp verify: code', '/login/email-otp', { userId: 'someone', code: '12\udfff' }, 'secret'],
    ['phone-otp verify: phone', '/login/phone-otp', { phone: '+1415555\udfff', code: '123456' }, 'phone'],
    ['magic-link request: email', '/send/magic-link', { email: 'eve\udfff@example.com' }, 'email'],
    ['magic-link verify: userId', '/login/magic-link', { userId: 'x\udfff', secret: 'y' }, 'userId'],
  ]

  for (const [what, path, body, param] of cases) {
    it(`${what} → 400 naming \`${param}\`, nothing stored`, async () => {
      if (body.email === '') body.email = email
      const before = (await keysByPrefix(client, prefix)).filter((k) => !k.startsWith(`${prefix}sess:`)).sort()
      const res = await request(t.app).post(path).send(body)
      assert.equal(res.status, 400, JSON.stringify(res.body))
      assert.equal(res.body.info.type, 'general_argument_invalid')
      assert.match(res.body.info.message, new RegExp(`\`${param}\``))
      assert.deepEqual((await keysByPrefix(client, prefix)).filter((k) => !k.startsWith(`${prefix}sess:`)).sort(), before)
    })
  }

  it('the account stays usable', async () => {
    await request(t.app).post('/login/password').send({ email, password }).expect(200)
  })
})
