import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import request from 'supertest'
import { WebhookSmsSender } from '../../lib/index.js'
import { PhoneOtpStrategy } from '../../strategies/index.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { extractCode } from '../support/smtp-capture.js'

let phones = randomInt(10_000)
/** A valid E.164 number (+1 415 555 xxxx) no other test in this run uses. */
function freshPhone(): string {
  phones += 7919
  return `+1415555${String(phones % 10_000).padStart(4, '0')}`
}

describeBackends('PhoneOtpStrategy in a plain passport + express-session app', (on) => {
  let sms: SmsReceiver
  let t: ReturnType<typeof makePassportApp>

  /** Texts a code to `phone` through the strategy; returns it (read at the SMS receiver) and the account id. */
  async function textedCode(phone: string): Promise<{ code: string; userId: string }> {
    await request(t.app).post('/send/phone-otp').send({ phone }).expect(202)
    const code = extractCode((await sms.next(phone)).body)
    return { code, userId: (await t.accounts.findAccountByPhone(phone))!.id }
  }

  before(async () => {
    sms = await startSmsReceiver()
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new PhoneOtpStrategy({ accounts })], { sms: new WebhookSmsSender({ url: sms.url }) })
  })

  after(async () => {
    await sms.close()
  })

  it('signs in with the texted code and the phone, then serves /me through express-session', async () => {
    const phone = freshPhone()
    const { code, userId } = await textedCode(phone)
    const agent = request.agent(t.app)
    const res = await agent.post('/login/phone-otp').send({ phone, code }).expect(200)
    assert.deepEqual([res.body.user.$id, res.body.user.phone], [userId, phone])
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.phoneVerification, true)
    assert.deepEqual([me.body.session.provider, me.body.session.factors], ['phone', ['phone']])
  })

  it('signs in with the code and the userId instead of the phone', async () => {
    const { code, userId } = await textedCode(freshPhone())
    await request(t.app).post('/login/phone-otp').send({ userId, code }).expect(200)
  })

  it('fails a wrong code and an unknown number alike: 401 user_invalid_token', async () => {
    const phone = freshPhone()
    const { code } = await textedCode(phone)
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    const bad = await request(t.app).post('/login/phone-otp').send({ phone, code: wrong }).expect(401)
    assert.equal(bad.body.info.type, 'user_invalid_token')
    const unknown = await request(t.app).post('/login/phone-otp').send({ phone: freshPhone(), code }).expect(401)
    assert.deepEqual(unknown.body.info, bad.body.info)
  })

  it('fails a blocked account with 403 user_blocked', async () => {
    const phone = freshPhone()
    const { code, userId } = await textedCode(phone)
    await t.accounts.blockAccount(userId)
    const res = await request(t.app).post('/login/phone-otp').send({ phone, code }).expect(403)
    assert.equal(res.body.info.type, 'user_blocked')
  })

  it('fails missing or malformed input with 400', async () => {
    const send = await request(t.app).post('/send/phone-otp').send({}).expect(400)
    assert.deepEqual([send.body.info.type, send.body.info.message], ['general_argument_invalid', 'Missing credentials: phone'])
    const verify = await request(t.app).post('/login/phone-otp').send({ code: '123456' }).expect(400)
    assert.equal(verify.body.info.message, 'Missing credentials: userId or phone')
    const malformed = await request(t.app).post('/send/phone-otp').send({ phone: '555-0101' }).expect(400)
    assert.equal(malformed.body.info.type, 'general_argument_invalid')
    const malformedVerify = await request(t.app).post('/login/phone-otp').send({ phone: '555-0101', code: '123456' }).expect(400)
    assert.equal(malformedVerify.body.info.type, 'general_argument_invalid')
  })

  it('turns a store failure into an error: 500 Appwrite-shaped, process alive', async () => {
    const store = t.accounts.store
    const original = store.findAccountId.bind(store)
    store.findAccountId = async () => {
      throw new Error('redis down')
    }
    const quiet = console.error
    console.error = () => undefined
    try {
      const res = await request(t.app).post('/login/phone-otp').send({ phone: freshPhone(), code: '123456' }).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.findAccountId = original
    }
    await textedCode(freshPhone())
  })

  it('answers 503 general_phone_disabled (an error, not a fail) when no SMS sender is configured', async () => {
    const bare = makePassportApp(on.backend, on.prefix, (accounts) => [new PhoneOtpStrategy({ accounts })])
    const res = await request(bare.app).post('/send/phone-otp').send({ phone: freshPhone() }).expect(503)
    assert.deepEqual([res.body.code, res.body.type], [503, 'general_phone_disabled'])
  })

  it('validates constructor options with TypeErrors naming them', () => {
    assert.throws(() => new PhoneOtpStrategy({} as never), /PhoneOtpStrategy: options\.accounts/)
    assert.throws(() => new PhoneOtpStrategy({ accounts: t.accounts, phoneField: '' }), /options\.phoneField/)
    assert.throws(() => new PhoneOtpStrategy({ accounts: t.accounts, codeField: {} as never }), /options\.codeField/)
  })
})
