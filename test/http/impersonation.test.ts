/**
 * Impersonation (Appwrite 1.8's `impersonator` flag and `X-Appwrite-Impersonate-User-*`
 * headers): the attacks first, then what an impersonator may do, through the router,
 * `requireSession()` and `JwtStrategy`, on MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type Request, type Response } from 'express'
import { Passport } from 'passport'
import { createAccounts, type ExpressAccounts } from '../../lib/index.js'
import type { AccountsEvents } from '../../lib/core/events.js'
import type { SignIn } from '../../lib/core/sessions.js'
import { JwtStrategy } from '../../strategies/index.js'
import { TestClock } from '../support/test-clock.js'
import { API_KEY, MEMORY, PASSWORD, PROJECT, REDIS, uniqueEmail, type StoreCase } from '../sdk/helpers.js'

const ID_HEADER = 'X-Appwrite-Impersonate-User-Id'
const EMAIL_HEADER = 'X-Appwrite-Impersonate-User-Email'
const PHONE_HEADER = 'X-Appwrite-Impersonate-User-Phone'

interface Reply {
  status: number
  body: Record<string, unknown>
}

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`impersonation (${sc.name})`, function () {
    let accounts: ExpressAccounts
    let server: Server
    let base: string
    let cleanup: () => Promise<void>
    const events: AccountsEvents['impersonation'][] = []
    const clock = new TestClock()
    let staff: SignIn
    let plainUser: SignIn
    let target: SignIn
    let targetEmail: string
    const targetPhone = '+14155550123'

    async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Appwrite-Project': PROJECT, ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
    }
    const as = (s: SignIn, extra: Record<string, string> = {}) => ({ 'X-Appwrite-Session': s.value, ...extra })
    const expect = (r: Reply, status: number, type: string) => assert.deepEqual([r.status, r.body.type], [status, type], JSON.stringify(r.body))
    async function person(tag: string, phone?: string): Promise<SignIn> {
      const email = uniqueEmail(tag)
      const a = await accounts.createAccount({ email, password: PASSWORD, name: tag })
      if (phone) await accounts.update(a.id, (r) => void (r.phone = phone))
      return accounts.signIn(a.id)
    }

    before(async function () {
      sc.available(this)
      const made = sc.create()
      cleanup = made.cleanup
      accounts = createAccounts({ store: made.store, project: PROJECT, secret: 'x'.repeat(32), apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, clock, allowedOrigins: ['https://app.example.com'] })
      accounts.on('impersonation', (e) => void events.push(e))
      const passport = new Passport()
      passport.use(new JwtStrategy({ accounts }))
      const app = express()
      app.use('/v1', accounts.router())
      const me = (req: Request, res: Response) => res.json({ account: req.account, impersonatorId: req.impersonatorId ?? null, sessionUser: req.accountSession?.userId })
      app.get('/api/me', accounts.requireSession(), me)
      app.get('/api/me-skip-mfa', accounts.requireSession({ skipMfa: true }), me)
      app.get('/api/strict', accounts.requireSession({ allowImpersonation: false }), me)
      app.get('/api/jwt', passport.authenticate('jwt', { session: false, failWithError: true }), me)
      app.use(accounts.errorHandler())
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s))
      })
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      staff = await person('staff')
      await accounts.updateImpersonator(staff.account.id, true)
      plainUser = await person('plain')
      target = await person('target', targetPhone)
      targetEmail = target.account.email
    })
    after(async () => {
      server?.closeAllConnections()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      await accounts?.store.close()
      await cleanup?.()
    })
    beforeEach(() => {
      events.length = 0
    })

    describe('attacks', function () {
      it('a user without the flag sending the headers → 401 user_unauthorized, on the router and requireSession(); never acts as itself', async () => {
        for (const h of <Record<string, string>[]>[{ [ID_HEADER]: target.account.id }, { [EMAIL_HEADER]: targetEmail }, { [PHONE_HEADER]: targetPhone }]) {
          expect(await call('GET', '/v1/account', as(plainUser, h)), 401, 'user_unauthorized')
          expect(await call('GET', '/api/me', as(plainUser, h)), 401, 'user_unauthorized')
        }
        // DELETE /account with a header must not delete the caller's own account.
        expect(await call('DELETE', '/v1/account', as(plainUser, { [ID_HEADER]: target.account.id })), 401, 'user_unauthorized')
        assert.ok(await accounts.getAccount(plainUser.account.id))
        assert.equal(events.length, 0)
      })

      it('a guest, or an API key without a session, sending the headers → 401 user_unauthorized', async () => {
        expect(await call('GET', '/v1/account', { [ID_HEADER]: target.account.id }), 401, 'user_unauthorized')
        expect(await call('GET', '/v1/account', { 'X-Appwrite-Key': API_KEY, [ID_HEADER]: target.account.id }), 401, 'user_unauthorized')
        expect(await call('GET', '/api/me', { [ID_HEADER]: target.account.id }), 401, 'general_unauthorized_scope')
      })

      it('revoking the flag takes effect on the very next request (router, requireSession(), JWT)', async () => {
        const boss = await person('boss')
        await accounts.updateImpersonator(boss.account.id, true)
        const jwt = await accounts.jwts.create(boss.account, boss.session, 600)
        const h = { [ID_HEADER]: target.account.id }
        assert.equal((await call('GET', '/v1/account', as(boss, h))).status, 200)
        assert.equal((await call('GET', '/api/jwt', { 'X-Appwrite-JWT': jwt, ...h })).status, 200)
        await accounts.updateImpersonator(boss.account.id, false)
        expect(await call('GET', '/v1/account', as(boss, h)), 401, 'user_unauthorized')
        expect(await call('GET', '/api/me', as(boss, h)), 401, 'user_unauthorized')
        assert.equal((await call('GET', '/api/jwt', { 'X-Appwrite-JWT': jwt, ...h })).status, 401)
      })

      it('impersonating a blocked account → 403 user_blocked; a blocked impersonator → 403 user_blocked', async () => {
        const victim = await person('blocked-victim')
        await accounts.blockAccount(victim.account.id)
        const h = { [ID_HEADER]: victim.account.id }
        expect(await call('GET', '/v1/account', as(staff, h)), 403, 'user_blocked')
        expect(await call('GET', '/api/me', as(staff, h)), 403, 'user_blocked')
        const rogue = await person('rogue')
        await accounts.updateImpersonator(rogue.account.id, true)
        await accounts.blockAccount(rogue.account.id)
        expect(await call('GET', '/v1/account', as(rogue, { [ID_HEADER]: target.account.id })), 403, 'user_blocked')
        expect(await call('GET', '/api/me', as(rogue, { [ID_HEADER]: target.account.id })), 403, 'user_blocked')
      })

      it('an unknown id / email / phone → 404 user_not_found (never the caller itself)', async () => {
        for (const h of <Record<string, string>[]>[{ [ID_HEADER]: 'nobody' }, { [EMAIL_HEADER]: 'nobody@example.com' }, { [PHONE_HEADER]: '+14155550999' }, { [ID_HEADER]: 'a, b' }]) {
          expect(await call('GET', '/v1/account', as(staff, h)), 404, 'user_not_found')
          expect(await call('GET', '/api/me', as(staff, h)), 404, 'user_not_found')
        }
      })

      it('an impersonator whose session still owes MFA cannot impersonate, not even where skipMfa lets it in', async () => {
        const mfaStaff = await person('mfa-staff')
        await accounts.update(mfaStaff.account.id, (a) => {
          a.impersonator = true
          a.mfa = true
          a.totp = { secret: 'sealed', verified: true, lastStep: 0 }
        })
        const h = { [ID_HEADER]: target.account.id }
        expect(await call('GET', '/v1/account', as(mfaStaff, h)), 401, 'user_more_factors_required')
        expect(await call('GET', '/api/me-skip-mfa', as(mfaStaff, h)), 401, 'user_more_factors_required')
        // Without the header skipMfa lets it through as itself, as before.
        assert.equal((await call('GET', '/api/me-skip-mfa', as(mfaStaff))).status, 200)
        assert.equal(events.length, 0)
      })

      it('no escalation: credential, session, JWT, target, MFA, block and delete routes are refused while impersonating; nothing changes', async () => {
        const h = as(staff, { [ID_HEADER]: target.account.id })
        const before = await accounts.getAccount(target.account.id)
        const attempts: [string, string, unknown?][] = [
          ['PATCH', '/v1/account/password', { password: 'new long password 1', oldPassword: PASSWORD }],
          ['PATCH', '/v1/account/email', { email: uniqueEmail('hijack'), password: PASSWORD }],
          ['PATCH', '/v1/account/phone', { phone: '+14155550111', password: PASSWORD }],
          ['DELETE', '/v1/account'],
          ['PATCH', '/v1/account/status'],
          ['POST', '/v1/account/jwts'],
          ['POST', '/v1/account/jwt'],
          ['GET', '/v1/account/sessions'],
          ['DELETE', '/v1/account/sessions'],
          ['DELETE', '/v1/account/sessions/current'],
          ['PATCH', '/v1/account/mfa', { mfa: false }],
          ['POST', '/v1/account/mfa/authenticators/totp'],
          ['POST', '/v1/account/targets/push', { targetId: 'spy', identifier: 'impersonator-device' }],
          ['POST', '/v1/account/verification', { url: 'http://localhost/verify' }],
          ['POST', '/v1/account/recovery', { email: targetEmail, url: 'http://localhost/r' }],
        ]
        for (const [method, path, body] of attempts) {
          expect(await call(method, path, h, body), 401, 'user_unauthorized')
        }
        assert.deepEqual(await accounts.getAccount(target.account.id), before)
        assert.equal((await accounts.sessions.list(target.account.id)).length, 1)
        assert.equal((await accounts.sessions.list(staff.account.id)).length, 1)
        assert.equal(events.length, 0)
      })

      it('requireSession({ allowImpersonation: false }) refuses the headers with 401 user_unauthorized', async () => {
        expect(await call('GET', '/api/strict', as(staff, { [ID_HEADER]: target.account.id })), 401, 'user_unauthorized')
        assert.equal((await call('GET', '/api/strict', as(staff))).status, 200)
      })

      it('the headers in the query string are not honoured (a URL can ride on cookies, a header cannot)', async () => {
        const r = await call('GET', `/v1/account?impersonateUserId=${target.account.id}`, as(staff))
        assert.deepEqual([r.status, r.body.$id, r.body.impersonatorUserId], [200, staff.account.id, null])
      })

      it('the impersonated account is not marked accessed by the impersonator (the impersonator is)', async () => {
        const before = (await accounts.getAccount(target.account.id))?.accessedAt
        clock.advance(2 * 24 * 3600 * 1000)
        await call('GET', '/v1/account', as(staff, { [ID_HEADER]: target.account.id }))
        // The touch runs off the response path.
        await new Promise((resolve) => setTimeout(resolve, 100))
        assert.equal((await accounts.getAccount(target.account.id))?.accessedAt, before)
        assert.equal((await accounts.getAccount(staff.account.id))?.accessedAt, clock.now())
      })
    })

    describe('what an impersonator may do', function () {
      it('GET /account as the target by id, email (any case) or phone: the target with impersonatorUserId; id wins over email', async () => {
        for (const h of <Record<string, string>[]>[{ [ID_HEADER]: target.account.id }, { [EMAIL_HEADER]: targetEmail.toUpperCase() }, { [PHONE_HEADER]: targetPhone }, { [ID_HEADER]: target.account.id, [EMAIL_HEADER]: plainUser.account.email }]) {
          const r = await call('GET', '/v1/account', as(staff, h))
          assert.deepEqual([r.status, r.body.$id, r.body.impersonator, r.body.impersonatorUserId], [200, target.account.id, false, staff.account.id])
        }
        const self = await call('GET', '/v1/account', as(staff))
        assert.deepEqual([self.body.$id, self.body.impersonator, self.body.impersonatorUserId], [staff.account.id, true, null])
      })

      it('every impersonated request emits the impersonation event with who, whom, where', async () => {
        await call('GET', '/v1/account', as(staff, { [ID_HEADER]: target.account.id, 'User-Agent': 'support-console/1.0' }))
        await call('GET', '/api/me', as(staff, { [ID_HEADER]: target.account.id }))
        assert.equal(events.length, 2)
        assert.deepEqual(
          { ...events[0], ip: undefined },
          { impersonatorId: staff.account.id, accountId: target.account.id, sessionId: staff.session.id, ip: undefined, userAgent: 'support-console/1.0', method: 'GET', path: '/v1/account' },
        )
        assert.match(events[0]?.ip ?? '', /127\.0\.0\.1/)
        assert.equal(events[1]?.path, '/api/me')
      })

      it('PATCH /account/name and /account/prefs change the target, answering with impersonatorUserId', async () => {
        const h = as(staff, { [ID_HEADER]: target.account.id })
        const r = await call('PATCH', '/v1/account/name', h, { name: 'Fixed by support' })
        assert.deepEqual([r.status, r.body.$id, r.body.name, r.body.impersonatorUserId], [200, target.account.id, 'Fixed by support', staff.account.id])
        const p = await call('PATCH', '/v1/account/prefs', h, { prefs: { lang: 'de' } })
        assert.deepEqual([p.status, p.body.prefs], [200, { lang: 'de' }])
        assert.equal((await accounts.getAccount(staff.account.id))?.name, 'staff')
      })

      it('requireSession() sets req.account to the target, req.impersonatorId, and keeps the impersonator’s session', async () => {
        const r = await call('GET', '/api/me', as(staff, { [EMAIL_HEADER]: targetEmail }))
        const account = r.body.account as Record<string, unknown>
        assert.deepEqual([r.status, account.$id, account.impersonatorUserId, r.body.impersonatorId, r.body.sessionUser], [200, target.account.id, staff.account.id, staff.account.id, staff.account.id])
      })

      it('JwtStrategy: a JWT of an impersonator acts as the target; a non-impersonator’s JWT with the header fails 401', async () => {
        const jwt = await accounts.jwts.create(staff.account, staff.session, 600)
        const r = await call('GET', '/api/jwt', { 'X-Appwrite-JWT': jwt, [ID_HEADER]: target.account.id })
        assert.deepEqual([r.status, (r.body.account as Record<string, unknown>).$id, r.body.impersonatorId], [200, target.account.id, staff.account.id])
        const plainJwt = await accounts.jwts.create(plainUser.account, plainUser.session, 600)
        assert.equal((await call('GET', '/api/jwt', { 'X-Appwrite-JWT': plainJwt, [ID_HEADER]: target.account.id })).status, 401)
      })

      it('an impersonator whose MFA is complete may impersonate a target with MFA on (the target’s MFA binds its own sessions only)', async () => {
        const mfaTarget = await person('mfa-target')
        await accounts.update(mfaTarget.account.id, (a) => {
          a.mfa = true
          a.totp = { secret: 'sealed', verified: true, lastStep: 0 }
        })
        const r = await call('GET', '/v1/account', as(staff, { [ID_HEADER]: mfaTarget.account.id }))
        assert.deepEqual([r.status, r.body.$id], [200, mfaTarget.account.id])
      })

      it('CORS preflight allows the three impersonation headers', async () => {
        const res = await fetch(`${base}/v1/account`, {
          method: 'OPTIONS',
          headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-appwrite-impersonate-user-id' },
        })
        const allowed = (res.headers.get('access-control-allow-headers') ?? '').split(', ')
        for (const h of [ID_HEADER, EMAIL_HEADER, PHONE_HEADER]) assert.ok(allowed.includes(h), h)
      })

      it('updateImpersonator refuses a non-boolean; the flag shows in the Account model', async () => {
        await assert.rejects(accounts.updateImpersonator(plainUser.account.id, 'yes' as unknown as boolean), { type: 'general_argument_invalid' })
        const r = await call('GET', '/v1/account', as(staff))
        assert.equal(r.body.impersonator, true)
      })
    })
  })
}
