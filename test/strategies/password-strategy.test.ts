import assert from 'node:assert/strict'
import request from 'supertest'
import { Client, Account } from 'node-appwrite'
import { PasswordStrategy } from '../../strategies/index.js'
import { API_KEY, PROJECT, freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

describeBackends('PasswordStrategy in a plain passport + express-session app', (on) => {
  let t: ReturnType<typeof makePassportApp>
  const password = 'correct-horse-battery'
  let email: string

  before(async () => {
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })], { withRouter: true })
    email = freshEmail()
    await t.accounts.createAccount({ email, password })
  })

  it('signs in, regenerates the express-session id and serves /me', async () => {
    const agent = request.agent(t.app)
    await agent.get('/me').expect(401)
    const sid = (r: request.Response) => ((r.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('sid='))?.split(';')[0]
    const before = sid(await agent.post('/touch').expect(204))
    assert.ok(before)
    const res = await agent.post('/login/password').send({ email, password }).expect(200)
    const after = sid(res)
    assert.ok(after && after !== before, 'login must issue a new express-session id (fixation)')
    assert.equal(res.body.user.email, email)
    assert.ok(!('passwordHash' in res.body.user))
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.email, email)
    assert.ok(me.body.session.$id)
  })

  it('fails wrong credentials with 401 and the Appwrite error type', async () => {
    const res = await request(t.app).post('/login/password').send({ email, password: 'wrong-password' }).expect(401)
    assert.equal(res.body.info.type, 'user_invalid_credentials')
    const unknown = await request(t.app).post('/login/password').send({ email: freshEmail(), password }).expect(401)
    assert.equal(unknown.body.info.type, 'user_invalid_credentials')
  })

  it('fails missing input with 400', async () => {
    const res = await request(t.app).post('/login/password').send({ email }).expect(400)
    assert.equal(res.body.info.type, 'general_argument_invalid')
    assert.match(res.body.info.message, /password/)
  })

  it('renames fields', async () => {
    const custom = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts, emailField: 'login', passwordField: 'pw' })])
    await request(custom.app).post('/login/password').send({ login: email, pw: password }).expect(200)
  })

  it('creates the same Session record the router lists, and revoking it logs the app out', async () => {
    const agent = request.agent(t.app)
    await agent.post('/login/password').send({ email, password }).expect(200)
    const me = await agent.get('/me').expect(200)
    const sessionId = me.body.session.$id as string
    const server = new Account(new Client().setEndpoint(`http://127.0.0.1:${await listen(t.app)}/v1`).setProject(PROJECT).setKey(API_KEY))
    const signIn = await server.createEmailPasswordSession({ email, password })
    const user = new Account(new Client().setEndpoint(server.client.config.endpoint).setProject(PROJECT).setSession(signIn.secret))
    const list = await user.listSessions()
    assert.ok(list.sessions.some((s) => s.$id === sessionId))
    await user.deleteSession({ sessionId })
    await agent.get('/me').expect(401)
  })

  it('logOut deletes the Session record', async () => {
    const agent = request.agent(t.app)
    await agent.post('/login/password').send({ email, password }).expect(200)
    const sessionId = (await agent.get('/me').expect(200)).body.session.$id as string
    const accountId = (await t.accounts.findAccountByEmail(email))!.id
    await agent.post('/logout').expect(204)
    await agent.get('/me').expect(401)
    assert.equal(await t.accounts.store.getSession(accountId, sessionId), null)
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
      const res = await request(t.app).post('/login/password').send({ email, password }).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.findAccountId = original
    }
    await request(t.app).post('/login/password').send({ email, password }).expect(200)
  })

  it('validates constructor options with TypeErrors naming them', () => {
    assert.throws(() => new PasswordStrategy({} as never), /options\.accounts/)
    assert.throws(() => new PasswordStrategy({ accounts: t.accounts, emailField: '' }), /options\.emailField/)
    assert.throws(() => new PasswordStrategy({ accounts: t.accounts, verify: 'no' as never }), /options\.verify/)
  })

  it('refuses through verify() and leaves no session behind', async () => {
    const strict = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts, verify: async (a) => a.labels.includes('staff') })])
    const res = await request(strict.app).post('/login/password').send({ email, password }).expect(401)
    assert.equal(res.body.info.type, 'user_unauthorized')
    const accountId = (await strict.accounts.findAccountByEmail(email))!.id
    const before = (await strict.accounts.sessions.list(accountId)).length
    await request(strict.app).post('/login/password').send({ email, password }).expect(401)
    assert.equal((await strict.accounts.sessions.list(accountId)).length, before)
  })
})

const servers: Array<{ close(): void }> = []
after(() => {
  for (const s of servers) s.close()
})
async function listen(app: import('express').Express): Promise<number> {
  const server = app.listen(0, '127.0.0.1')
  servers.push(server)
  await new Promise((r) => server.once('listening', r))
  return (server.address() as import('node:net').AddressInfo).port
}
