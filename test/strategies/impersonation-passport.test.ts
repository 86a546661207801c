import assert from 'node:assert/strict'
import type { Request, Response } from 'express'
import request from 'supertest'
import type { AccountsEvents } from '../../lib/core/events.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

const ID_HEADER = 'X-Appwrite-Impersonate-User-Id'

describeBackends('impersonation through a passport login kept in express-session', (on) => {
  let t: ReturnType<typeof makePassportApp>
  const password = 'correct-horse-battery'
  const events: AccountsEvents['impersonation'][] = []
  let staffEmail: string
  let plainEmail: string
  let targetId: string
  let staffId: string

  before(async () => {
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })])
    t.accounts.on('impersonation', (e) => void events.push(e))
    // After the error handler makePassportApp added: give this route its own.
    t.app.get('/guarded', t.accounts.requireSession(), (req: Request, res: Response) => res.json({ account: req.account, impersonatorId: req.impersonatorId ?? null }))
    t.app.use(t.accounts.errorHandler())
    staffEmail = freshEmail('staff')
    plainEmail = freshEmail('plain')
    staffId = (await t.accounts.createAccount({ email: staffEmail, password })).id
    await t.accounts.createAccount({ email: plainEmail, password })
    targetId = (await t.accounts.createAccount({ email: freshEmail('target'), password })).id
    await t.accounts.updateImpersonator(staffId, true)
  })
  beforeEach(() => {
    events.length = 0
  })

  async function login(email: string) {
    const agent = request.agent(t.app)
    await agent.post('/login/password').send({ email, password }).expect(200)
    return agent
  }

  it('an impersonator: req.user is the target with impersonatorUserId; one event per request even through deserializer + requireSession()', async () => {
    const agent = await login(staffEmail)
    const me = await agent.get('/me').set(ID_HEADER, targetId).expect(200)
    assert.deepEqual([me.body.user.$id, me.body.user.impersonatorUserId], [targetId, staffId])
    assert.equal(events.length, 1)
    const guarded = await agent.get('/guarded').set(ID_HEADER, targetId).expect(200)
    assert.deepEqual([guarded.body.account.$id, guarded.body.impersonatorId], [targetId, staffId])
    assert.equal(events.length, 2)
    // The login itself is untouched: without the header the impersonator is itself.
    assert.equal((await agent.get('/me').expect(200)).body.user.$id, staffId)
  })

  it('a non-impersonator’s passport login with the header → 401 user_unauthorized, not itself', async () => {
    const agent = await login(plainEmail)
    const res = await agent.get('/me').set(ID_HEADER, targetId)
    assert.deepEqual([res.status, res.body.type], [401, 'user_unauthorized'])
    assert.equal(events.length, 0)
  })
})
