/**
 * Review finding H2: a squatter's password or contact change checks the old password against
 * a copy read before two bcrypt runs, then writes. One that started before the owner's
 * takeover (email-code first proof) or recovery must not land after it and give the squatter
 * a way back in. The interleaving is driven through the real bcrypt gate (concurrency 1):
 * a held turn keeps the squatter's request waiting while the owner acts, FIFO order does the
 * rest; no timing. Real HTTP, real SMTP capture, MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import {
  APP_ORIGIN, MEMORY, assertError, mailedCode, mailedLink, passwordUser, redisCase, startHarness, uniqueEmail, type Harness, type Reply,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

const SQUAT_PW = 'Squat-Pass-123x'
const SQUAT_NEW = 'Squat-New-456y'
const OWNER_PW = 'the owner chose this one'

/** Takes a turn of the gate (queued like any bcrypt run) until `release()` is called. */
function hold(h: Harness): { release: () => void } {
  let release!: () => void
  const held = new Promise<void>((r) => { release = r })
  void h.accounts.passwords.gate.run(() => held)
  return { release }
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 5000) throw new Error('the expected interleaving never came')
    await new Promise((r) => setTimeout(r, 2))
  }
}

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`a password check made before a takeover or recovery does not count after it (${sc.name})`, function () {
    let h: Harness
    before(async function () {
      sc.available(this)
      h = await startHarness(sc, { bcryptConcurrency: 1 })
    })
    after(() => h?.close())

    const gate = () => h.accounts.passwords.gate
    const changes: Array<[string, (email: string) => { method: string; path: string; body: Record<string, unknown> }]> = [
      ['PATCH /account/password', () => ({ method: 'PATCH', path: '/account/password', body: { password: SQUAT_NEW, oldPassword: SQUAT_PW } })],
      ['PATCH /account/email', () => ({ method: 'PATCH', path: '/account/email', body: { email: uniqueEmail('sqnew').toLowerCase(), password: SQUAT_PW } })],
      ['PATCH /account/phone', () => ({ method: 'PATCH', path: '/account/phone', body: { phone: `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`, password: SQUAT_PW } })],
    ]

    /** Starts the squatter's change and returns once it waits on the gate behind a held turn. */
    async function squatterWaiting(session: string, req: { method: string; path: string; body: Record<string, unknown> }) {
      const a = hold(h)
      await until(() => gate().inFlight === 1)
      const pending = h.call(req.method, req.path, { session, body: req.body })
      await until(() => gate().waiting === 1)
      return { a, pending }
    }

    async function squatterLockedOut(victim: string, squatter: { id: string; session: string }, r: Reply): Promise<void> {
      assertError(r, 401, 'user_invalid_credentials')
      assertError(await h.call('GET', '/account', { session: squatter.session }), 401, 'general_unauthorized_scope')
      for (const pw of [SQUAT_PW, SQUAT_NEW]) {
        assertError(await h.call('POST', '/account/sessions/email', { body: { email: victim, password: pw } }), 401, 'user_invalid_credentials')
      }
    }

    for (const [name, change] of changes) {
      it(`${name} in flight when its session is revoked (password unchanged) is refused`, async () => {
        const user = await passwordUser(h, uniqueEmail('rv').toLowerCase(), SQUAT_PW)
        const other = await h.call('POST', '/account/sessions/email', { key: true, body: { email: user.email, password: SQUAT_PW } })
        const { a, pending } = await squatterWaiting(user.session, change(user.email))
        const sessions = await h.call('GET', '/account/sessions', { session: other.body.secret as string })
        const doomed = (sessions.body.sessions as Array<{ $id: string; current: boolean }>).find((s) => !s.current)!
        assert.equal((await h.call('DELETE', `/account/sessions/${doomed.$id}`, { session: other.body.secret as string })).status, 204)
        a.release()
        assertError(await pending, 401, 'user_invalid_credentials')
        const me = await h.call('GET', '/account', { session: other.body.secret as string })
        assert.deepEqual([me.body.email, me.body.phone], [user.email, ''])
        assert.equal((await h.call('POST', '/account/sessions/email', { body: { email: user.email, password: SQUAT_PW } })).status, 201)
      })

      it(`${name} in flight across the owner's email-code takeover is refused`, async () => {
        const victim = uniqueEmail('vt').toLowerCase()
        const squatter = await passwordUser(h, victim, SQUAT_PW)
        const t = await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: victim } })
        const code = await mailedCode(h, victim)
        const { a, pending } = await squatterWaiting(squatter.session, change(victim))
        const s = await h.call('POST', '/account/sessions/token', { key: true, body: { userId: t.body.userId, secret: code } })
        assert.equal(s.status, 201, JSON.stringify(s.body))
        a.release()
        await squatterLockedOut(victim, squatter, await pending)
        const mine = await h.call('GET', '/account', { session: s.body.secret as string })
        assert.deepEqual([mine.status, mine.body.email, mine.body.passwordUpdate], [200, victim, ''])
      })

      it(`${name} in flight across the owner's recovery is refused`, async () => {
        const victim = uniqueEmail('vr').toLowerCase()
        const squatter = await passwordUser(h, victim, SQUAT_PW)
        assert.equal((await h.call('POST', '/account/recovery', { body: { email: victim, url: `${APP_ORIGIN}/reset` } })).status, 201)
        const link = await mailedLink(h, victim)
        // FIFO on a held gate: the recovery's hash, a held turn, then the squatter's check
        // (its account read already done): the recovery lands before the squatter goes on.
        const a = hold(h)
        await until(() => gate().inFlight === 1)
        const recovered = h.call('PUT', '/account/recovery', {
          body: { userId: link.searchParams.get('userId'), secret: link.searchParams.get('secret'), password: OWNER_PW },
        })
        await until(() => gate().waiting === 1)
        const c = hold(h)
        await until(() => gate().waiting === 2)
        const req = change(victim)
        const pending = h.call(req.method, req.path, { session: squatter.session, body: req.body })
        await until(() => gate().waiting === 3)
        a.release()
        const done = await recovered
        assert.equal(done.status, 200, JSON.stringify(done.body))
        c.release()
        await squatterLockedOut(victim, squatter, await pending)
        const owner = await h.call('POST', '/account/sessions/email', { body: { email: victim, password: OWNER_PW } })
        assert.equal(owner.status, 201, JSON.stringify(owner.body))
      })
    }
  })
}
