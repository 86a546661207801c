/**
 * Records written before the core refused undecodable values (issue 9, finding 2) must not
 * freeze their account: RedisStore's scripts no longer decode a whole account (the
 * compare-and-set compares the exact JSON it read), a token Lua can't decode no longer stops
 * `deleteTokens`, and the core carries such a stored value over unchanged while refusing to
 * write any new one. The values are put in through the store itself, as an older version of
 * the core would have.
 */
import assert from 'node:assert/strict'
import { createAccounts } from '../../lib/index.js'
import { AccountsError } from '../../lib/errors.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import type { Store } from '../../lib/store/store.js'
import { connectedClient, deleteByPrefix, redisUrl, requireRedisOrSkip, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { makeAccount, makeToken, uid } from '../../lib/testing/fixtures.js'

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {}
  for (let i = 1; i < depth; i++) value = { a: value }
  return value
}

interface Case {
  name: string
  open(ctx: Mocha.Context): Promise<{ store: Store; close(): Promise<void> }>
}

const cases: Case[] = [
  { name: 'MemoryStore', open: async () => ({ store: new MemoryStore(), close: async () => {} }) },
  {
    name: 'RedisStore',
    async open(ctx) {
      requireRedisOrSkip(ctx)
      const client: TestRedisClient = await connectedClient(redisUrl())
      const prefix = uniquePrefix('legacy')
      const store = new RedisStore({ client, prefix })
      return { store, close: async () => { await deleteByPrefix(client, prefix); await client.close() } }
    },
  },
]

for (const c of cases) {
  describe(`values stored before the checks existed (${c.name})`, function () {
    let store: Store
    let close: () => Promise<void>
    before(async function () {
      ;({ store, close } = await c.open(this))
    })
    after(async () => close?.())

    const core = () => createAccounts({ store, secret: 'x'.repeat(32), bcryptCost: 4 })

    for (const [what, legacy] of [
      ['a name with a lone surrogate', { name: 'Eve\udfff' }],
      ['prefs nested 1,000 deep', { prefs: nested(1000) }],
      ['a prefs key with a lone surrogate', { prefs: { 'k\udfff': 1 } }],
    ] as const) {
      it(`${what}: the account stays updatable, the value is carried over, and it can be repaired`, async () => {
        const accounts = core()
        const account = makeAccount(legacy)
        assert.deepEqual(await store.insertAccount(account), { ok: true })
        const blocked = await accounts.blockAccount(account.id)
        assert.equal(blocked.status, false)
        assert.deepEqual((await accounts.getAccount(account.id))?.prefs, account.prefs)
        await accounts.unblockAccount(account.id)
        await accounts.update(account.id, (a) => { a.labels = ['still-works'] })
        // A new undecodable value is still refused, even next to the carried-over one.
        await assert.rejects(accounts.update(account.id, (a) => { a.phone = '+1\ud800' }), (err: unknown) => err instanceof AccountsError && err.code === 400 && /`phone`/.test(err.message))
        const repaired = await accounts.update(account.id, (a) => { a.name = 'Eve'; a.prefs = {} })
        assert.deepEqual([repaired.name, repaired.prefs, repaired.labels], ['Eve', {}, ['still-works']])
      })
    }

    it('deleteTokens() still works beside a token Lua cannot decode, and removes it', async () => {
      const accountId = uid()
      await store.insertAccount(makeAccount({ id: accountId }))
      const now = Date.now()
      // Good one first: putToken's own script (not this suite's subject) decodes the tokens already there.
      await store.putToken(makeToken(accountId, { kind: 'phone-otp', createdAt: now, expiresAt: now + 60_000 }), 60_000)
      await store.putToken(makeToken(accountId, { kind: 'email-otp', data: { email: 'eve\udfff@example.com' }, createdAt: now, expiresAt: now + 60_000 }), 60_000)
      // What an email change runs to void codes sent to the old address.
      assert.equal(await store.deleteTokens(accountId, ['email-otp', 'magic-url', 'recovery', 'email-verification']), 1)
      assert.equal(await store.deleteTokens(accountId, ['phone-otp']), 1)
    })
  })
}
