/**
 * Finding 5: password sign-in had no per-IP limit (25 tries from one IP against 25 emails all
 * reached bcrypt) and no bound on bcrypt work (32 parallel tries slowed everyone's sign-in).
 * Now: 20 failed sign-ins per IP per hour across all emails, and an in-process cap on bcrypt
 * work with a per-client share of it. No timing is measured: the cap is read from its gauge.
 */
import assert from 'node:assert/strict'
import { MEMORY, PASSWORD, REDIS, assertError, forEachStore, startLimitsServer, uniqueEmail, type LimitsServer } from './support.js'
import { redisCase } from '../sdk/helpers.js'

describe('limits: password sign-in per IP and bcrypt work (finding 5)', function () {
  forEachStore([MEMORY, REDIS], (sc) => {
    describe('20 failed sign-ins per IP per hour, across emails', function () {
      let s: LimitsServer
      before(async () => {
        s = await startLimitsServer(sc)
      })
      after(() => s?.close())

      it('25 tries from one IP against 25 different emails: the 21st and later are 429, not bcrypt work', async () => {
        const statuses: number[] = []
        for (let i = 0; i < 25; i++) {
          const r = await s.call('POST', '/account/sessions/email', { ip: '203.0.113.5', body: { email: uniqueEmail(`spray${i}`), password: 'wrong password' } })
          statuses.push(r.status)
          if (r.status === 429) {
            assertError(r, 429, 'general_rate_limit_exceeded')
            assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After on 429')
          }
        }
        assert.deepEqual(statuses, [...Array(20).fill(401), ...Array(5).fill(429)])
      })

      it('another IP is not affected, and a real user from it signs in', async () => {
        const user = await s.user(uniqueEmail('real'))
        assert.equal((await s.call('POST', '/account/sessions/email', { ip: '203.0.113.77', body: { email: user.email, password: PASSWORD } })).status, 201)
      })
    })
  })

  describe('counted in Redis: two processes on one store share the per-IP budget', function () {
    const shared = redisCase('limits-shared')
    let a: LimitsServer
    let b: LimitsServer
    before(async function () {
      shared.available(this)
      a = await startLimitsServer(shared)
      b = await startLimitsServer(shared)
    })
    after(async () => {
      await a?.close()
      await b?.close()
    })

    it('10 failures on each, from one IP: the next try on either is 429', async () => {
      for (const s of [a, b]) {
        for (let i = 0; i < 10; i++) {
          assert.equal((await s.call('POST', '/account/sessions/email', { ip: '203.0.113.99', body: { email: uniqueEmail('x'), password: 'wrong password' } })).status, 401)
        }
      }
      assertError(await a.call('POST', '/account/sessions/email', { ip: '203.0.113.99', body: { email: uniqueEmail('y'), password: 'wrong password' } }), 429, 'general_rate_limit_exceeded')
      assertError(await b.call('POST', '/account/sessions/email', { ip: '203.0.113.99', body: { email: uniqueEmail('z'), password: 'wrong password' } }), 429, 'general_rate_limit_exceeded')
    })
  })

  describe('bcrypt work is capped per process, with a per-client share (rateLimits off: the cap is not a rate limit)', function () {
    let s: LimitsServer
    before(async function () {
      this.timeout(60_000)
      // A real cost, so that 32 checks overlap; no time is measured.
      s = await startLimitsServer(MEMORY, { rateLimits: false, bcryptCost: 12, bcryptConcurrency: 2, bcryptQueue: 16, bcryptPerClient: 4 })
    })
    after(() => s?.close())

    it('32 parallel tries from one IP: never more than the cap in flight, the excess refused at once, and another IP gets in', async function () {
      this.timeout(60_000)
      const victim = await s.user(uniqueEmail('victim'))
      const gate = s.accounts.passwords.gate
      assert.equal(gate.concurrency, 2)
      const attack = Array.from({ length: 32 }, (_, i) =>
        s.call('POST', '/account/sessions/email', { ip: '2001:db8:bad::1', body: { email: i % 2 ? victim.email : uniqueEmail(`p${i}`), password: 'wrong password' } }),
      )
      // The real user arrives while the attack is under way.
      await new Promise((r) => setTimeout(r, 20))
      const real = s.call('POST', '/account/sessions/email', { ip: '198.51.100.20', body: { email: victim.email, password: PASSWORD } })
      const replies = await Promise.all(attack)
      const answer = await real
      assert.equal(answer.status, 201, `the real user: ${JSON.stringify(answer.body)}`)
      const refused = replies.filter((r) => r.status === 429)
      for (const r of refused) {
        assertError(r, 429, 'general_rate_limit_exceeded')
        assert.equal(r.headers.get('retry-after'), '1')
      }
      assert.ok(refused.length >= 32 - 4 * 4, `most of the burst is refused without bcrypt work (refused ${refused.length})`)
      assert.ok(replies.every((r) => r.status === 401 || r.status === 429), replies.map((r) => r.status).join(','))
      assert.ok(gate.peakInFlight <= 2, `peak in flight ${gate.peakInFlight}`)
      assert.equal(gate.inFlight, 0)
      assert.equal(gate.waiting, 0)
    })

    it('beyond the queue, requests from many clients answer 503 general_server_busy with Retry-After', async function () {
      this.timeout(60_000)
      const small = await startLimitsServer(MEMORY, { rateLimits: false, bcryptCost: 12, bcryptConcurrency: 2, bcryptQueue: 2 })
      try {
        const replies = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            small.call('POST', '/account/sessions/email', { ip: `192.0.2.${i + 1}`, body: { email: uniqueEmail(`q${i}`), password: 'wrong password' } }),
          ),
        )
        const busy = replies.filter((r) => r.status === 503)
        assert.ok(busy.length > 0, replies.map((r) => r.status).join(','))
        for (const r of busy) {
          assertError(r, 503, 'general_server_busy')
          assert.equal(r.headers.get('retry-after'), '1')
        }
        assert.ok(replies.every((r) => r.status === 401 || r.status === 503), replies.map((r) => r.status).join(','))
        assert.ok(small.accounts.passwords.gate.peakInFlight <= 2)
        assert.equal(small.accounts.passwords.gate.waiting, 0)
      } finally {
        await small.close()
      }
    })
  })
})
