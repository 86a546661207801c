/**
 * Attack: a stored "own" bcrypt hash with an absurd cost. The migrate CLI keeps another
 * express-accounts' own hash (`hash: bcrypt`, `preHash: sha256`) verbatim, and host code can
 * `accounts.insert()` any record; a malicious migration source (or bad data) can therefore
 * plant `$2b$30$…` on an account. Every sign-in attempt for that email (anyone may try) would
 * then run 2^30 bcrypt rounds (a day of CPU) in the bcrypt gate: a few attempts fill the gate and
 * every sign-in of the project answers 503. Imports through `/users/bcrypt` are bounded
 * (HASH_LIMITS.bcryptMaxCost); the own-hash path must be too.
 */
import assert from 'node:assert/strict'
import { type SourceUser, userRecord } from '../../lib/cli/user-record.js'
import { blankAccount } from '../../lib/core/account-records.js'
import { HASH_LIMITS } from '../../lib/hashes/hash-limits.js'
import { MEMORY, PROJECT, REDIS, startServer, uniqueEmail, type StoreCase, type TestServer } from '../sdk/helpers.js'

/** Well-formed bcrypt strings (22 salt + 31 hash characters) at a given cost. */
const atCost = (cost: number) => `$2b$${String(cost).padStart(2, '0')}$${'abcdefghijklmnopqrstuu'}${'Jm3c7rQdH6a9kqA7mXn0q3Yw4Jk5H1a'}`
const OWN = { hash: 'bcrypt', hashOptions: { type: 'bcrypt', preHash: 'sha256' } }

const base: SourceUser = {
  $id: 'u1', $createdAt: '2024-01-02T03:04:05.678+00:00', $updatedAt: '2024-02-02T03:04:05.678+00:00', name: 'Ada',
  registration: '2024-01-02T03:04:05.678+00:00', status: true, labels: [], passwordUpdate: '2024-01-03T00:00:00.000+00:00',
  email: 'ada@example.com', phone: '', emailVerification: true, phoneVerification: false, mfa: false,
  prefs: {}, accessedAt: '2024-03-01T00:00:00.000+00:00',
}

describe('security: an own-scheme bcrypt hash past the cost bound', function () {
  it('migrate refuses it (and a malformed one) as an invalid hash: the user must reset', () => {
    for (const password of [atCost(31), atCost(30), atCost(HASH_LIMITS.bcryptMaxCost + 1), 'not-a-bcrypt-hash', `${atCost(4)}x`]) {
      const { record, passwordLoss } = userRecord({ ...base, ...OWN, password }, 1)
      assert.deepEqual([passwordLoss, record.passwordHash], ['invalid-hash', null], password)
    }
    const ok = userRecord({ ...base, ...OWN, password: atCost(HASH_LIMITS.bcryptMaxCost) }, 1)
    assert.deepEqual([ok.passwordLoss, ok.record.passwordHash], [null, atCost(HASH_LIMITS.bcryptMaxCost)])
  })

  for (const sc of [MEMORY, REDIS] as StoreCase[]) {
    describe(sc.name, function () {
      let server: TestServer
      before(async function () {
        sc.available(this)
        server = await startServer(sc)
      })
      after(async () => {
        await server?.close()
      })

      it('a planted cost-30 hash answers a sign-in at once with 401 and leaves the gate free', async function () {
        this.timeout(10_000)
        const email = uniqueEmail('cost30').toLowerCase()
        const planted = blankAccount(`cost30-${Date.now()}`, server.clock.now())
        planted.email = email
        planted.passwordHash = atCost(30)
        await server.accounts.insert(planted)
        const started = performance.now()
        const res = await fetch(`${server.endpoint}/account/sessions/email`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Appwrite-Project': PROJECT },
          body: JSON.stringify({ email, password: 'whatever-password' }),
        })
        const body = (await res.json()) as { type?: string }
        assert.deepEqual([res.status, body.type], [401, 'user_invalid_credentials'])
        assert.ok(performance.now() - started < 5000, 'answered without running the planted cost')
        assert.equal(server.accounts.passwords.gate.inFlight, 0)
      })
    })
  }
})
