/**
 * Finding 12: `PATCH /account/email` (and `/account/phone`) answers `409` when another account
 * holds the address, so any session — an anonymous one costs nothing — could test addresses
 * without limit. The 409 stays (Appwrite's answer, and a protocol limit), but it is now
 * rate-limited: 10 per hour per account and 20 per hour per IP, email and phone together.
 */
import assert from 'node:assert/strict'
import { MEMORY, PASSWORD, REDIS, assertError, forEachStore, startLimitsServer, uniqueEmail, type LimitsServer } from './support.js'

const PROBER = '203.0.113.12'

describe('limits: PATCH /account/email and /account/phone (finding 12)', function () {
  forEachStore([MEMORY, REDIS], (sc) => {
    let s: LimitsServer
    beforeEach(async () => {
      s = await startLimitsServer(sc)
    })
    afterEach(() => s?.close())

    const anonymous = async (ip = PROBER) => {
      const r = await s.call('POST', '/account/sessions/anonymous', { ip, key: false })
      assert.equal(r.status, 201)
      // A non-key caller gets the session in X-Fallback-Cookies (no Origin: a Node client).
      const cookies = JSON.parse(r.headers.get('x-fallback-cookies') ?? '{}') as Record<string, string>
      return Object.values(cookies)[0]
    }
    const probe = (session: string, email: string, ip = PROBER) => s.call('PATCH', '/account/email', { ip, session, body: { email, password: PASSWORD } })

    it('an anonymous session probing registered emails: 409 ten times, then 429 with the limit headers', async () => {
      const taken = await Promise.all(Array.from({ length: 11 }, (_, i) => s.user(uniqueEmail(`taken${i}`))))
      const session = await anonymous()
      for (let i = 0; i < 10; i++) {
        const r = await probe(session, taken[i].email)
        assertError(r, 409, 'user_target_already_exists')
        assert.equal(r.headers.get('x-ratelimit-limit'), '10')
        assert.equal(r.headers.get('x-ratelimit-remaining'), String(9 - i))
      }
      const r = await probe(session, taken[10].email)
      assertError(r, 429, 'general_rate_limit_exceeded')
      assert.ok(Number(r.headers.get('retry-after')) > 0)
    })

    it('fresh anonymous sessions from one IP share 20 per hour (email and phone together)', async () => {
      let answered = 0
      for (let n = 0; n < 3; n++) {
        const session = await anonymous()
        for (let i = 0; i < 7; i++) {
          const r = i % 2 ? await probe(session, uniqueEmail('free')) : await s.call('PATCH', '/account/phone', { ip: PROBER, session, body: { phone: `+1415555${String(1000 + n * 10 + i)}`, password: PASSWORD } })
          if (r.status !== 429) answered += 1
        }
      }
      assert.equal(answered, 20)
      // Another IP is not affected.
      assert.equal((await probe(await anonymous('198.51.100.3'), uniqueEmail('other'), '198.51.100.3')).status, 200)
    })
  })
})
