/**
 * Finding 8: IPv6 clients were counted per address, so one host (which owns a whole /64)
 * got a fresh allowance per address. Now per-IP limits count an IPv6 client per /64, and an
 * IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it is.
 */
import assert from 'node:assert/strict'
import { MEMORY, PASSWORD, REDIS, assertError, forEachStore, startLimitsServer, uniqueEmail, type LimitsServer } from './support.js'

describe('limits: IPv6 clients are counted per /64 (finding 8)', function () {
  forEachStore([MEMORY, REDIS], (sc) => {
    let s: LimitsServer
    beforeEach(async () => {
      s = await startLimitsServer(sc)
    })
    afterEach(() => s?.close())

    const signUp = (ip: string) => s.call('POST', '/account', { ip, body: { userId: 'unique()', email: uniqueEmail('v6'), password: PASSWORD } })

    it('12 addresses in one /64 share POST /account\'s 10 per hour; another /64 does not', async () => {
      const statuses: number[] = []
      for (let i = 1; i <= 12; i++) statuses.push((await signUp(`2001:db8:1:2:${i.toString(16)}::${i}`)).status)
      assert.deepEqual(statuses, [...Array(10).fill(201), 429, 429])
      assertError(await signUp('2001:db8:1:2:ffff:ffff:ffff:ffff'), 429, 'general_rate_limit_exceeded')
      assert.equal((await signUp('2001:db8:1:3::1')).status, 201)
    })

    it('an IPv4-mapped IPv6 address counts as its IPv4 address', async () => {
      for (let i = 0; i < 5; i++) assert.equal((await signUp('198.51.100.9')).status, 201)
      for (let i = 0; i < 5; i++) assert.equal((await signUp('::ffff:198.51.100.9')).status, 201)
      assertError(await signUp('::FFFF:c633:6409'), 429, 'general_rate_limit_exceeded')
      assert.equal((await signUp('198.51.100.10')).status, 201)
    })
  })
})
