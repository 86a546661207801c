import assert from 'node:assert/strict'
import request from 'supertest'
import { AnonymousStrategy } from '../../strategies/index.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

describeBackends('AnonymousStrategy in a plain passport + express-session app', (on) => {
  let t: ReturnType<typeof makePassportApp>

  before(async () => {
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new AnonymousStrategy({ accounts })])
  })

  it('creates an anonymous account, signs it in and serves /me through express-session', async () => {
    const agent = request.agent(t.app)
    const res = await agent.post('/login/anonymous').expect(200)
    assert.deepEqual([res.body.user.email, res.body.user.phone], ['', ''])
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.$id, res.body.user.$id)
    assert.deepEqual([me.body.session.provider, me.body.session.factors], ['anonymous', ['anonymous']])
    const record = await t.accounts.getAccount(res.body.user.$id)
    assert.equal(record?.passwordHash, null)
  })

  it('two sign-ins make two different accounts', async () => {
    const a = await request(t.app).post('/login/anonymous').expect(200)
    const b = await request(t.app).post('/login/anonymous').expect(200)
    assert.notEqual(a.body.user.$id, b.body.user.$id)
  })

  it('creates the same Session record every sign-in creates (listed by the core)', async () => {
    const agent = request.agent(t.app)
    const user = (await agent.post('/login/anonymous').expect(200)).body.user
    const sessionId = (await agent.get('/me').expect(200)).body.session.$id
    assert.deepEqual((await t.accounts.sessions.list(user.$id)).map((s) => s.id), [sessionId])
  })

  it("fails with 401 user_anonymous_console_prohibited for the 'console' project", async () => {
    const consoleProject = makePassportApp(on.backend, on.prefix, (accounts) => [new AnonymousStrategy({ accounts })], { project: 'console' })
    const res = await request(consoleProject.app).post('/login/anonymous').expect(401)
    assert.equal(res.body.info.type, 'user_anonymous_console_prohibited')
  })

  it('fails with 401 user_unauthorized when verify() refuses, leaving no session', async () => {
    let refused = ''
    const strict = makePassportApp(on.backend, on.prefix, (accounts) => [new AnonymousStrategy({ accounts, verify: (a) => ((refused = a.$id), false) })])
    const res = await request(strict.app).post('/login/anonymous').expect(401)
    assert.equal(res.body.info.type, 'user_unauthorized')
    assert.deepEqual(await strict.accounts.sessions.list(refused), [])
  })

  it('turns a store failure into an error: 500 Appwrite-shaped, process alive', async () => {
    const store = t.accounts.store
    const original = store.insertAccount.bind(store)
    store.insertAccount = async () => {
      throw new Error('redis down')
    }
    const quiet = console.error
    console.error = () => undefined
    try {
      const res = await request(t.app).post('/login/anonymous').expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.insertAccount = original
    }
    await request(t.app).post('/login/anonymous').expect(200)
  })

  it('validates constructor options with TypeErrors naming them', () => {
    assert.throws(() => new AnonymousStrategy(null as never), /AnonymousStrategy: options are required/)
    assert.throws(() => new AnonymousStrategy({ accounts: 'x' as never }), /options\.accounts/)
    assert.throws(() => new AnonymousStrategy({ accounts: t.accounts, verify: true as never }), /options\.verify/)
  })
})
