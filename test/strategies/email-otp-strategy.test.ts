import assert from 'node:assert/strict'
import request from 'supertest'
import { SmtpMailer } from '../../lib/index.js'
import { EmailOtpStrategy } from '../../strategies/index.js'
import { freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'
import { extractCode, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

describeBackends('EmailOtpStrategy in a plain passport + express-session app', (on) => {
  let smtp: SmtpCapture
  let t: ReturnType<typeof makePassportApp>

  /** Sends a code to `email` through the strategy; returns it (read from the real email) and the account id. */
  async function mailedCode(email: string): Promise<{ code: string; userId: string }> {
    await request(t.app).post('/send/email-otp').send({ email }).expect(202)
    const code = extractCode((await smtp.next(email)).text)
    return { code, userId: (await t.accounts.findAccountByEmail(email))!.id }
  }

  before(async () => {
    smtp = await startSmtpCapture()
    const mailer = new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' })
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new EmailOtpStrategy({ accounts })], { mailer })
    t.app.post('/explicit/:action', (req, res, next) => {
      const action = req.params.action as 'request' | 'verify'
      t.passport.authenticate('email-otp', { action, session: false }, (err: unknown, user: unknown, info: unknown, status: number) => {
        if (err) return next(err)
        res.status(user ? 200 : status).json({ user: user ?? null, info: info ?? null })
      })(req, res, () => res.status(202).json({ sent: true }))
    })
  })

  after(async () => {
    await smtp.close()
  })

  it('signs in with the mailed code and the email, then serves /me through express-session', async () => {
    const email = freshEmail('otp')
    const { code } = await mailedCode(email)
    const agent = request.agent(t.app)
    const res = await agent.post('/login/email-otp').send({ email, code }).expect(200)
    assert.equal(res.body.user.email, email)
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.emailVerification, true)
    assert.deepEqual([me.body.session.provider, me.body.session.factors], ['token', ['email']])
  })

  it('signs in with the code and the userId instead of the email', async () => {
    const email = freshEmail('otp')
    const { code, userId } = await mailedCode(email)
    const res = await request(t.app).post('/login/email-otp').send({ userId, code }).expect(200)
    assert.equal(res.body.user.$id, userId)
  })

  it('fails a wrong code and an unknown email alike: 401 user_invalid_token', async () => {
    const email = freshEmail('otp')
    const { code } = await mailedCode(email)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    const bad = await request(t.app).post('/login/email-otp').send({ email, code: wrong }).expect(401)
    assert.equal(bad.body.info.type, 'user_invalid_token')
    const unknown = await request(t.app).post('/login/email-otp').send({ email: freshEmail('nobody'), code }).expect(401)
    assert.deepEqual(unknown.body.info, bad.body.info)
    // The wrong try did not burn the right code.
    await request(t.app).post('/login/email-otp').send({ email, code }).expect(200)
  })

  it('fails a blocked account with 403 user_blocked', async () => {
    const { code, userId } = await mailedCode(freshEmail('otp'))
    await t.accounts.blockAccount(userId)
    const res = await request(t.app).post('/login/email-otp').send({ userId, code }).expect(403)
    assert.equal(res.body.info.type, 'user_blocked')
  })

  it('fails missing input with 400', async () => {
    const send = await request(t.app).post('/send/email-otp').send({}).expect(400)
    assert.deepEqual([send.body.info.type, send.body.info.message], ['general_argument_invalid', 'Missing credentials: email'])
    const verify = await request(t.app).post('/login/email-otp').send({ code: '123456' }).expect(400)
    assert.equal(verify.body.info.message, 'Missing credentials: userId or email')
    const noCode = await request(t.app).post('/explicit/verify').send({ email: freshEmail() }).expect(400)
    assert.equal(noCode.body.info.message, 'Missing credentials: code')
    const malformed = await request(t.app).post('/login/email-otp').send({ email: 'not an email', code: '123456' }).expect(400)
    assert.equal(malformed.body.info.type, 'general_argument_invalid')
  })

  it("action: 'request' sends even when a code field is present", async () => {
    const email = freshEmail('otp')
    await request(t.app).post('/explicit/request').send({ email, code: '000000' }).expect(202)
    extractCode((await smtp.next(email)).text)
  })

  it('turns a store failure into an error: 500 Appwrite-shaped, process alive', async () => {
    const email = freshEmail('otp')
    const { code } = await mailedCode(email)
    const store = t.accounts.store
    const original = store.consumeToken.bind(store)
    store.consumeToken = async () => {
      throw new Error('redis down')
    }
    const quiet = console.error
    console.error = () => undefined
    try {
      const res = await request(t.app).post('/login/email-otp').send({ email, code }).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.consumeToken = original
    }
    await request(t.app).post('/login/email-otp').send({ email, code }).expect(200)
  })

  it('answers 503 general_smtp_disabled (an error, not a fail) when no mailer is configured', async () => {
    const bare = makePassportApp(on.backend, on.prefix, (accounts) => [new EmailOtpStrategy({ accounts })])
    const res = await request(bare.app).post('/send/email-otp').send({ email: freshEmail() }).expect(503)
    assert.deepEqual([res.body.code, res.body.type], [503, 'general_smtp_disabled'])
  })

  it('renames fields', async () => {
    const custom = makePassportApp(on.backend, on.prefix, (accounts) => [new EmailOtpStrategy({ accounts, emailField: 'mail', codeField: 'otp', userIdField: 'uid' })], { mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }) })
    const email = freshEmail('otp')
    await request(custom.app).post('/send/email-otp').send({ mail: email }).expect(202)
    const otp = extractCode((await smtp.next(email)).text)
    const uid = (await custom.accounts.findAccountByEmail(email))!.id
    await request(custom.app).post('/login/email-otp').send({ uid, otp }).expect(200)
  })

  it('validates constructor options with TypeErrors naming them', () => {
    assert.throws(() => new EmailOtpStrategy(undefined as never), /EmailOtpStrategy: options are required/)
    assert.throws(() => new EmailOtpStrategy({ accounts: {} as never }), /options\.accounts/)
    assert.throws(() => new EmailOtpStrategy({ accounts: t.accounts, codeField: '' }), /options\.codeField/)
    assert.throws(() => new EmailOtpStrategy({ accounts: t.accounts, userIdField: 7 as never }), /options\.userIdField/)
  })
})
