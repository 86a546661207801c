/**
 * Attack: a malicious (or broken) migration source. `express-accounts migrate` reads users
 * from another Appwrite-speaking server and inserts them. A source user with a non-string name
 * or label was written to the store before the listing index choked on it: on RedisStore every
 * `GET /users` then answered 500 (the index rebuild threw on that record), for good. Invalid
 * emails, phones, 100k-character names and megabyte prefs went in unchecked. Each source user
 * must pass the same rules as `POST /users`, or be reported as failed and not written; and the
 * core's `insert` (host code may call it) must refuse a record whose fields have the wrong type
 * before anything is stored.
 */
import assert from 'node:assert/strict'
import { type SourceUser, userRecord } from '../../lib/cli/user-record.js'
import { blankAccount } from '../../lib/core/account-records.js'
import { AccountsError } from '../../lib/errors.js'
import { API_KEY, MEMORY, PROJECT, REDIS, startServer, type StoreCase, type TestServer } from '../sdk/helpers.js'

const base: SourceUser = {
  $id: 'src-ok', $createdAt: '2024-01-02T03:04:05.678+00:00', $updatedAt: '2024-02-02T03:04:05.678+00:00', name: 'Ada',
  registration: '2024-01-02T03:04:05.678+00:00', status: true, labels: ['vip'], passwordUpdate: '',
  email: 'ada@example.com', phone: '', emailVerification: true, phoneVerification: false, mfa: false,
  prefs: {}, accessedAt: '2024-03-01T00:00:00.000+00:00',
}

/** Source users no `POST /users` could have made. */
const BAD: Array<[string, Partial<Record<keyof SourceUser, unknown>>]> = [
  ['a number as name', { name: 123 }],
  ['an object as label', { labels: [{ a: 1 }] }],
  ['a label past 36 characters', { labels: ['x'.repeat(37)] }],
  ['labels that are not an array', { labels: 'abc' }],
  ['an invalid email', { email: 'not an email' }],
  ['a number as email', { email: 7 }],
  ['an invalid phone', { phone: 'garbage' }],
  ['a 100,000-character name', { name: 'x'.repeat(100_000) }],
  ['2 MB of prefs', { prefs: { big: 'x'.repeat(2_000_000) } }],
]

describe('security: a migration source\'s users are checked like POST /users', function () {
  it('userRecord refuses each bad user with a 400 AccountsError naming the field', () => {
    for (const [what, change] of BAD) {
      assert.throws(() => userRecord({ ...base, ...change } as SourceUser, 1), (err) => err instanceof AccountsError && err.code === 400, what)
    }
    assert.equal(userRecord(base, 1).record.email, 'ada@example.com')
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

      it('insert and update refuse a record with a non-string name or label before storing it; listings keep working', async () => {
        for (const [id, change] of [['bad-name', { name: 123 }], ['bad-label', { labels: [{ a: 1 }] }], ['bad-email', { email: 7 }]] as const) {
          const record = Object.assign(blankAccount(id, server.clock.now()), change)
          await assert.rejects(server.accounts.insert(record), (err) => err instanceof AccountsError && err.code === 400, id)
          assert.equal(await server.accounts.getAccount(id), null, `${id} was not stored`)
        }
        // The same floor for a host's update().
        const ok = await server.accounts.insert(blankAccount(`ok-${Date.now()}`, server.clock.now()))
        await assert.rejects(
          server.accounts.update(ok.id, (a) => void Object.assign(a, { name: 123 })),
          (err) => err instanceof AccountsError && err.code === 400,
        )
        assert.equal((await server.accounts.getAccount(ok.id))?.name, '')
        const res = await fetch(`${server.endpoint}/users`, { headers: { 'X-Appwrite-Project': PROJECT, 'X-Appwrite-Key': API_KEY } })
        assert.equal(res.status, 200, await res.text())
      })
    })
  }
})
