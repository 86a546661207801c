import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import request from 'supertest'
import { Account, Client } from 'node-appwrite'
import { SmtpMailer } from '../../lib/index.js'
import { MagicLinkStrategy } from '../../strategies/index.js'
import { API_KEY, PROJECT, freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'
import { extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

const LANDING = 'http://localhost:3000/magic'

describeBackends('MagicLinkStrategy in a plain passport + express-session app', (on) => {
  let smtp: SmtpCapture
  let t: ReturnType<typeof makePassportApp>

  /** Requests a link for `email` through the strategy and returns it, read from the real email. */
  async function mailedLink(email: string): Promise<URL> {
    await request(t.app).post('/send/magic-link').send({ email }).expect(202)
    return extractLink((await smtp.next(email)).text)
  }
  const credentials = (link: URL) => ({ userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret') })

  before(async () => {
    smtp = await startSmtpCapture()
    const mailer = new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' })
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new MagicLinkStrategy({ accounts, url: LANDING })], { mailer, withRouter: true })
    // The landing page as an app would write it: the link's own GET signs in.
    t.app.get('/magic', t.passport.authenticate('magic-link', { failureRedirect: '/sign-in?failed=1' }), (_req, res) => res.redirect('/me'))
    t.app.post('/verify-only', (req, res, next) => {
      t.passport.authenticate('magic-link', { action: 'verify' }, (err: unknown, _user: unknown, info: unknown, status: number) => {
        if (err) return next(err)
        res.status(status).json({ info })
      })(req, res, next)
    })
  })

  after(async () => {
    await smtp.close()
  })

  it('request phase mails a link to the landing URL and passes to the next handler', async () => {
    const email = freshEmail('magic')
    const link = await mailedLink(email)
    assert.equal(link.origin + link.pathname, LANDING)
    assert.match(link.searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/)
    assert.equal((await t.accounts.findAccountByEmail(email))?.id, link.searchParams.get('userId'))
  })

  it('GET on the mailed link signs in through express-session; reusing it fails 401 user_invalid_token', async () => {
    const email = freshEmail('magic')
    const link = await mailedLink(email)
    const agent = request.agent(t.app)
    await agent.get(link.pathname + link.search).expect(302).expect('Location', '/me')
    const me = await agent.get('/me').expect(200)
    assert.equal(me.body.user.email, email)
    assert.equal(me.body.user.emailVerification, true)
    assert.equal(me.body.session.provider, 'magic-url')
    await request(t.app).get(link.pathname + link.search).expect(302).expect('Location', '/sign-in?failed=1')
    const reuse = await request(t.app).post('/login/magic-link').send(credentials(link)).expect(401)
    assert.equal(reuse.body.info.type, 'user_invalid_token')
  })

  it('POST verify with userId + secret in the body signs in', async () => {
    const email = freshEmail('magic')
    const res = await request(t.app).post('/login/magic-link').send(credentials(await mailedLink(email))).expect(200)
    assert.equal(res.body.user.email, email)
  })

  it('fails the first proof of an email on an account whose phone is proven with 401 user_unauthorized; nothing changes', async () => {
    const email = freshEmail('magic-squat')
    const squatter = await t.accounts.createAccount({ email, password: 'intruder-password' })
    await t.accounts.update(squatter.id, (a) => {
      a.phone = '+14155552699'
      a.phoneVerification = true
    })
    const res = await request(t.app).post('/login/magic-link').send(credentials(await mailedLink(email))).expect(401)
    assert.equal(res.body.info.type, 'user_unauthorized')
    const after = (await t.accounts.getAccount(squatter.id))!
    assert.deepEqual([after.emailVerification, after.passwordHash, after.phone], [false, squatter.passwordHash, '+14155552699'])
  })

  it('fails a wrong secret with 401 user_invalid_token', async () => {
    const link = await mailedLink(freshEmail('magic'))
    const res = await request(t.app).post('/login/magic-link').send({ ...credentials(link), secret: 'f'.repeat(64) }).expect(401)
    assert.equal(res.body.info.type, 'user_invalid_token')
  })

  it('fails a blocked account with 403 user_blocked', async () => {
    const link = await mailedLink(freshEmail('magic'))
    await t.accounts.blockAccount(link.searchParams.get('userId')!)
    const res = await request(t.app).post('/login/magic-link').send(credentials(link)).expect(403)
    assert.equal(res.body.info.type, 'user_blocked')
  })

  it('fails missing input with 400 naming the fields', async () => {
    const send = await request(t.app).post('/send/magic-link').send({}).expect(400)
    assert.equal(send.body.info.type, 'general_argument_invalid')
    assert.match(send.body.info.message, /email/)
    const verify = await request(t.app).post('/verify-only').send({ userId: 'someone' }).expect(400)
    assert.match(verify.body.info.message, /secret/)
    assert.doesNotMatch(verify.body.info.message, /userId/)
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
      const res = await request(t.app).post('/send/magic-link').send({ email: freshEmail('magic') }).expect(500)
      assert.deepEqual(res.body, { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.9.6' })
    } finally {
      console.error = quiet
      store.findAccountId = original
    }
    await mailedLink(freshEmail('magic'))
  })

  it('answers 503 general_smtp_disabled (an error, not a fail) when no mailer is configured', async () => {
    const bare = makePassportApp(on.backend, on.prefix, (accounts) => [new MagicLinkStrategy({ accounts, url: LANDING })])
    const res = await request(bare.app).post('/send/magic-link').send({ email: freshEmail('magic') }).expect(503)
    assert.deepEqual([res.body.code, res.body.type], [503, 'general_smtp_disabled'])
  })

  it('creates a Session record node-appwrite lists; revoking it there logs the passport app out', async () => {
    const email = freshEmail('magic')
    const agent = request.agent(t.app)
    await agent.get(((l) => l.pathname + l.search)(await mailedLink(email))).expect(302)
    const sessionId = (await agent.get('/me').expect(200)).body.session.$id as string
    const endpoint = `http://127.0.0.1:${await listen(t.app)}/v1`
    const server = new Account(new Client().setEndpoint(endpoint).setProject(PROJECT).setKey(API_KEY))
    const token = await server.createMagicURLToken({ userId: 'unique()', email, url: LANDING })
    const link = extractLink((await smtp.next(email)).text)
    assert.equal(link.searchParams.get('userId'), token.userId)
    const own = await server.updateMagicURLSession({ userId: token.userId, secret: link.searchParams.get('secret')! })
    const user = new Account(new Client().setEndpoint(endpoint).setProject(PROJECT).setSession(own.secret))
    const { sessions } = await user.listSessions()
    const listed = sessions.find((s) => s.$id === sessionId)
    assert.equal(listed?.provider, 'magic-url')
    await user.deleteSession({ sessionId })
    await agent.get('/me').expect(401)
  })

  it('validates constructor options with TypeErrors naming them', () => {
    const accounts = t.accounts
    assert.throws(() => new MagicLinkStrategy({} as never), /options\.accounts/)
    assert.throws(() => new MagicLinkStrategy({ accounts }), /options\.url is required/)
    assert.throws(() => new MagicLinkStrategy({ accounts, url: 'https://evil.example.net/magic' }), /options\.url must be .*URL host must be one of/)
    assert.throws(() => new MagicLinkStrategy({ accounts, url: 'javascript:alert(1)' }), /options\.url/)
    assert.throws(() => new MagicLinkStrategy({ accounts, url: LANDING, secretField: '' }), /options\.secretField/)
    assert.throws(() => new MagicLinkStrategy({ accounts, url: LANDING, verify: 1 as never }), /options\.verify/)
  })

  it('accepts createAccounts({ magicUrl }) as the default landing URL and checks it too', () => {
    const ok = makePassportApp(on.backend, on.prefix, () => [], { magicUrl: 'https://app.example.com/magic', allowedRedirectOrigins: ['https://app.example.com'] })
    assert.equal(new MagicLinkStrategy({ accounts: ok.accounts }).name, 'magic-link')
    // A magicUrl off the allowed origins never reaches a request: the core or the strategy refuses it at boot.
    assert.throws(() => new MagicLinkStrategy({ accounts: makePassportApp(on.backend, on.prefix, () => [], { magicUrl: 'https://app.example.com/magic' }).accounts }), TypeError)
  })

  it('errors (500) on an unknown authenticate action', async () => {
    const app = t.app
    app.post('/bad-action', t.passport.authenticate('magic-link', { action: 'send' as never }))
    app.use(t.accounts.errorHandler())
    const quiet = console.error
    console.error = () => undefined
    try {
      await request(app).post('/bad-action').send({ email: freshEmail() }).expect(500)
    } finally {
      console.error = quiet
    }
  })
})

const servers: Array<{ close(): void }> = []
after(() => {
  for (const s of servers) s.close()
})
async function listen(app: Express): Promise<number> {
  const server = app.listen(0, '127.0.0.1')
  servers.push(server)
  await new Promise((r) => server.once('listening', r))
  return (server.address() as AddressInfo).port
}
