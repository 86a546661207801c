/**
 * Issue 9, finding 2: values Redis' Lua `cjson` cannot decode (a lone UTF-16 surrogate, prefs
 * nested ~1,000 deep) used to be accepted and stored; every later update of that account then
 * answered 500 (its compare-and-set script decoded the whole record). Each scenario stores the
 * value the way an attacker would, then tries the updates an owner, an admin or a victim
 * taking the account over needs. Now the first step is a 400 and everything after it works.
 */
import assert from 'node:assert/strict'
import express, { type Express } from 'express'
import request from 'supertest'
import { createAccounts, SmtpMailer, type ExpressAccounts } from '../../lib/index.js'
import { AccountsError } from '../../lib/errors.js'
import { MEMORY, redisCase, type StoreCase } from '../sdk/helpers.js'
import { extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

const PROJECT = 'test'
const KEY = 'frozen-account-key'
const ORIGIN = 'https://app.example.com'
const LONE = '\udfff'

/** `depth` objects nested in each other: `{"a":{"a":…{}}}`. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {}
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

interface App {
  app: Express
  accounts: ExpressAccounts
  smtp: SmtpCapture
  close(): Promise<void>
}

async function start(sc: StoreCase): Promise<App> {
  const smtp = await startSmtpCapture()
  const { store, cleanup } = sc.create()
  const accounts = createAccounts({
    store, project: PROJECT, secret: 'x'.repeat(32), apiKeys: [KEY], bcryptCost: 4, rateLimits: false,
    mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }), allowedRedirectOrigins: [ORIGIN],
  })
  const app = express()
  app.use('/v1', accounts.router())
  return {
    app, accounts, smtp,
    async close() {
      await store.close()
      await cleanup()
      await smtp.close()
    },
  }
}

let n = 0
const freshEmail = () => `frozen.${process.pid}.${Date.now()}.${++n}@example.com`

for (const sc of [MEMORY, redisCase('frozen')]) {
  describe(`values a store cannot round-trip are refused (${sc.name})`, function () {
    let t: App
    before(async function () {
      sc.available(this)
      t = await start(sc)
    })
    after(async () => t?.close())

    async function user(): Promise<{ id: string; email: string; password: string; session: string }> {
      const email = freshEmail()
      const password = 'correct horse battery'
      const created = await request(t.app).post('/v1/account').send({ userId: 'unique()', email, password }).expect(201)
      const s = await request(t.app).post('/v1/account/sessions/email').set('X-Appwrite-Key', KEY).send({ email, password }).expect(201)
      return { id: created.body.$id as string, email, password, session: s.body.secret as string }
    }

    /**
     * Every later update the finding lists, in order; returns each answer's status (or the
     * core's error code). Status last: it blocks the account.
     */
    async function laterUpdates(u: { id: string; email: string; password: string; session: string }): Promise<Record<string, number>> {
      const s = (r: request.Test) => r.set('X-Appwrite-Session', u.session)
      const out: Record<string, number> = {}
      out.name = (await s(request(t.app).patch('/v1/account/name')).send({ name: 'Renamed' })).status
      out.prefs = (await s(request(t.app).patch('/v1/account/prefs')).send({ prefs: { theme: 'dark' } })).status
      out.password = (await s(request(t.app).patch('/v1/account/password')).send({ password: 'another good password', oldPassword: u.password })).status
      out.mfa = (await s(request(t.app).patch('/v1/account/mfa')).send({ mfa: false })).status
      out.verification = (await s(request(t.app).post('/v1/account/verifications/email')).send({ url: `${ORIGIN}/verify` })).status
      if (out.verification === 201) {
        const link = extractLink((await t.smtp.next(u.email)).text)
        out.verified = (await s(request(t.app).put('/v1/account/verifications/email'))
          .send({ userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret') })).status
      }
      out.recovery = (await request(t.app).post('/v1/account/recovery').send({ email: u.email, url: `${ORIGIN}/reset` })).status
      if (out.recovery === 201) {
        const link = extractLink((await t.smtp.next(u.email)).text)
        out.recovered = (await request(t.app).put('/v1/account/recovery').set('X-Appwrite-Key', KEY)
          .send({ userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret'), password: 'recovered password 1' })).status
      }
      const core = async (fn: () => Promise<unknown>) => fn().then(() => 200, (err: unknown) => (err instanceof AccountsError ? err.code : 500))
      out.coreUpdate = await core(() => t.accounts.update(u.id, (a) => { a.labels = ['checked'] }))
      out.coreBlock = await core(() => t.accounts.blockAccount(u.id))
      out.coreUnblock = await core(() => t.accounts.unblockAccount(u.id))
      const signIn = await request(t.app).post('/v1/account/sessions/email').set('X-Appwrite-Key', KEY).send({ email: u.email, password: 'recovered password 1' })
      out.signIn = signIn.status
      out.status = (await request(t.app).patch('/v1/account/status').set('X-Appwrite-Session', signIn.body.secret ?? u.session).send({})).status
      return out
    }

    const ALL_WORK = { name: 200, prefs: 200, password: 200, mfa: 200, verification: 201, verified: 200, recovery: 201, recovered: 200, coreUpdate: 200, coreBlock: 200, coreUnblock: 200, signIn: 201, status: 200 }

    const attacks: Array<[string, (u: { id: string; session: string }) => request.Test, string]> = [
      ['a name with a lone surrogate', (u) => request(t.app).patch('/v1/account/name').set('X-Appwrite-Session', u.session).send({ name: `Eve${LONE}` }), 'name'],
      ['an email with a lone surrogate', (u) => request(t.app).patch('/v1/account/email').set('X-Appwrite-Session', u.session)
        .send({ email: `eve${LONE}.${Date.now()}@example.com`, password: 'correct horse battery' }), 'email'],
      ['a prefs key with a lone surrogate', (u) => request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: { [`k${LONE}`]: 1 } }), 'prefs'],
      ['a prefs value with a lone surrogate', (u) => request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: { k: `v${LONE}` } }), 'prefs'],
      ['a lone surrogate deep inside prefs', (u) => request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: { list: [1, { deeper: ['\ud800'] }] } }), 'prefs'],
      ['prefs nested 1,000 deep (6 KB)', (u) => request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: nested(1000) }), 'prefs'],
      ['prefs nested 33 deep', (u) => request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: nested(33) }), 'prefs'],
    ]

    for (const [what, attack, param] of attacks) {
      it(`${what}: refused with 400 naming \`${param}\`, and every later update still works`, async () => {
        const u = await user()
        const first = await attack(u)
        const later = await laterUpdates(u)
        assert.deepEqual({ first: first.status, type: first.body.type, ...later }, { first: 400, type: 'general_argument_invalid', ...ALL_WORK })
        assert.match(first.body.message as string, new RegExp(`\`${param}\``))
      })
    }

    it('keeps prefs nested 32 deep (the documented cap)', async () => {
      const u = await user()
      const r = await request(t.app).patch('/v1/account/prefs').set('X-Appwrite-Session', u.session).send({ prefs: nested(32) }).expect(200)
      assert.deepEqual(r.body.prefs, nested(32))
      assert.deepEqual(await laterUpdates(u), ALL_WORK)
    })

    it('refuses a lone surrogate at sign-up (name, email) and in every email-taking route', async () => {
      const email = `eve${LONE}.${Date.now()}@example.com`
      const cases: Array<[request.Test, string]> = [
        [request(t.app).post('/v1/account').send({ userId: 'unique()', email: freshEmail(), password: 'correct horse battery', name: `E${LONE}` }), 'name'],
        [request(t.app).post('/v1/account').send({ userId: 'unique()', email, password: 'correct horse battery' }), 'email'],
        [request(t.app).post('/v1/account').send({ userId: 'unique()', email: freshEmail(), password: `correct horse ${LONE}` }), 'password'],
        [request(t.app).post('/v1/account/tokens/email').send({ userId: 'unique()', email }), 'email'],
        [request(t.app).post('/v1/account/tokens/magic-url').send({ userId: 'unique()', email, url: `${ORIGIN}/m` }), 'email'],
        [request(t.app).post('/v1/account/tokens/magic-url').send({ userId: 'unique()', email: freshEmail(), url: `${ORIGIN}/m${LONE}` }), 'url'],
        [request(t.app).post('/v1/account/recovery').send({ email, url: `${ORIGIN}/r` }), 'email'],
        [request(t.app).post('/v1/account/sessions/email').send({ email, password: 'correct horse battery' }), 'email'],
      ]
      for (const [req, param] of cases) {
        const r = await req
        assert.deepEqual({ status: r.status, type: r.body.type }, { status: 400, type: 'general_argument_invalid' }, `${param}: ${JSON.stringify(r.body)}`)
        assert.match(r.body.message as string, new RegExp(`\`${param}\``))
      }
    })

    it('never lets two emails that differ only in a lone surrogate share one uniqueness claim', async () => {
      const base = `twin.${Date.now()}`
      const results = []
      for (const lone of ['\ud800', '\udbff']) {
        const email = `${base}${lone}@example.com`
        const viaRouter = await request(t.app).post('/v1/account').send({ userId: 'unique()', email, password: 'correct horse battery' })
        const viaCore = await t.accounts.createPasswordlessAccount({ email }).then(() => 201, (err: unknown) => (err as AccountsError).code ?? 500)
        results.push(viaRouter.status, viaCore)
      }
      assert.deepEqual(results, [400, 400, 400, 400])
    })

    it('the core refuses too: update(), createPasswordlessAccount() and insert() never write such a record', async () => {
      const u = await user()
      const refused = async (fn: () => Promise<unknown>) => {
        const err = await fn().then(() => null, (e: unknown) => e)
        assert.ok(err instanceof AccountsError, `expected an AccountsError, got ${String(err)}`)
        assert.equal(err.code, 400)
        assert.equal(err.type, 'general_argument_invalid')
        return err.message
      }
      assert.match(await refused(() => t.accounts.update(u.id, (a) => { a.name = `x${LONE}` })), /`name`/)
      assert.match(await refused(() => t.accounts.update(u.id, (a) => { a.prefs = nested(1000) })), /`prefs`/)
      assert.match(await refused(() => t.accounts.update(u.id, (a) => { a.labels = ['\ud800'] })), /`labels`/)
      assert.match(await refused(() => t.accounts.createPasswordlessAccount({ name: `x${LONE}` })), /`name`/)
      assert.match(await refused(() => t.accounts.createPasswordlessAccount({ id: `x${LONE}` })), /`id`/)
      assert.match(await refused(() => t.accounts.createPasswordlessAccount({ phone: `+1415555${LONE}` })), /`phone`/)
      assert.match(await refused(() => t.accounts.updatePrefs(u.id, { a: { [LONE]: true } })), /`prefs`/)
      assert.deepEqual(await laterUpdates(u), ALL_WORK)
    })
  })
}
