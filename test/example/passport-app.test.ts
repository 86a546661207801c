import assert from 'node:assert/strict'
import request from 'supertest'
import { createPassportExampleApp, type PassportExample } from '../../example/passport-app.js'
import { connectedClient, deleteByPrefix, describeRedis, keysByPrefix, redisUrl, uniquePrefix } from '../support/redis.js'
import { extractCode } from '../support/smtp-capture.js'

const SECRET = 'passport-example-test-secret-32-bytes!'
const PASSWORD = 'correct-horse-battery'
let counter = 0
const freshEmail = () => `passport.example.${process.pid}.${Date.now()}.${++counter}@example.com`

/** The flow a person clicks through, shared by the MemoryStore and the Redis runs. */
function browserFlow(get: () => PassportExample, logs: string[]) {
  it('signs up through the page, lands on /me, signs out', async () => {
    const agent = request.agent(get().app)
    const email = freshEmail()
    await agent.post('/sign-up').type('form').send({ name: 'Pat', email, password: PASSWORD }).expect(303).expect('Location', '/me')
    const me = await agent.get('/me').expect(200).expect('Content-Type', /html/)
    assert.match(me.text, /Hello, Pat/)
    assert.ok(me.text.includes(email))
    assert.match(me.text, /1 active session/)
    await agent.post('/sign-out').expect(303).expect('Location', '/')
    await agent.get('/me').expect(302).expect('Location', '/')
    const accountId = (await get().accounts.findAccountByEmail(email))!.id
    assert.deepEqual(await get().accounts.sessions.list(accountId), [], 'sign-out deletes the Session record')
  })

  it('signs in with a password; a wrong one goes back to / with a message', async () => {
    const email = freshEmail()
    await get().accounts.createAccount({ email, password: PASSWORD })
    const agent = request.agent(get().app)
    await agent.post('/sign-in').type('form').send({ email, password: 'wrong-password' }).expect(303).expect('Location', '/?error=user_invalid_credentials')
    assert.match((await agent.get('/?error=user_invalid_credentials').expect(200)).text, /Wrong email or password/)
    await agent.get('/me').expect(302)
    await agent.post('/sign-in').type('form').send({ email, password: PASSWORD }).expect(303).expect('Location', '/me')
    assert.ok((await agent.get('/me').expect(200)).text.includes(email))
    await agent.get('/').expect(302).expect('Location', '/me')
  })

  it('signs in with an emailed code (printed by ConsoleMailer)', async () => {
    const email = freshEmail()
    const agent = request.agent(get().app)
    const page = await agent.post('/code').type('form').send({ email }).expect(200)
    assert.ok(page.text.includes(`name="email" value="${email}"`))
    const code = extractCode(await printed(logs, email))
    await agent.post('/code/verify').type('form').send({ email, code: '000000' === code ? '111111' : '000000' }).expect(303).expect('Location', '/?error=user_invalid_token')
    await agent.post('/code/verify').type('form').send({ email, code }).expect(303).expect('Location', '/me')
    assert.match((await agent.get('/me').expect(200)).text, /<dt>Signed in with<\/dt><dd>token<\/dd>/)
  })

  it('refuses a taken email and bad input on sign-up without reflecting the URL', async () => {
    const email = freshEmail()
    await get().accounts.createAccount({ email, password: PASSWORD })
    await request(get().app).post('/sign-up').type('form').send({ email, password: PASSWORD }).expect(303).expect('Location', '/?error=user_already_exists')
    await request(get().app).post('/sign-up').type('form').send({ email: freshEmail(), password: 'short' }).expect(303).expect('Location', '/?error=general_argument_invalid')
    const odd = await request(get().app).get('/?error=%3Cscript%3E').expect(200)
    assert.ok(!odd.text.includes('<script>'))
    await request(get().app).get('/?error=constructor').expect(200)
  })
}

/** The next console-printed email to `to`. */
async function printed(logs: string[], to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const found = logs.find((l) => l.includes(`to:      ${to}`))
    if (found) return found
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`no email printed for ${to}`)
}

describe('passport example (createPassportExampleApp, in-memory stores)', () => {
  let example: PassportExample
  const warnings: string[] = []
  const logs: string[] = []

  before(async () => {
    example = await createPassportExampleApp({ ACCOUNTS_SECRET: SECRET }, { warn: (m) => warnings.push(m), log: (t) => logs.push(t) })
  })
  after(() => example.close())

  it('warns that it runs in memory without REDIS_URL', () => {
    assert.equal(example.storeName, 'MemoryStore')
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /REDIS_URL is not set/)
  })

  browserFlow(() => example, logs)
})

describeRedis('passport example (createPassportExampleApp, REDIS_URL: RedisStore + connect-redis)', () => {
  let example: PassportExample
  const prefix = uniquePrefix('passport-example')
  const logs: string[] = []

  before(async () => {
    example = await createPassportExampleApp({ ACCOUNTS_SECRET: SECRET, REDIS_URL: redisUrl(), REDIS_PREFIX: prefix }, { warn: () => undefined, log: (t) => logs.push(t) })
  })
  after(async () => {
    await example.close()
    const client = await connectedClient()
    await deleteByPrefix(client, prefix)
    await client.close()
  })

  it('keeps accounts and express-sessions in Redis under the prefix', async () => {
    assert.equal(example.storeName, 'RedisStore')
    const agent = request.agent(example.app)
    await agent.post('/sign-up').type('form').send({ email: freshEmail(), password: PASSWORD }).expect(303)
    const client = await connectedClient()
    try {
      assert.ok((await keysByPrefix(client, `${prefix}sess:`)).length >= 1)
      assert.ok((await keysByPrefix(client, `${prefix}acc:`)).length >= 1)
    } finally {
      await client.close()
    }
  })

  browserFlow(() => example, logs)
})
