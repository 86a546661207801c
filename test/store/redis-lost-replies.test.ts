/**
 * RedisStore when a script's reply is lost (the connection drops after Redis ran it): the
 * writer sees an error, yet the record is stored, so the email / phone claims it took must stay
 * with it. Otherwise another account could take the same address.
 */
import assert from 'node:assert/strict'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeAccount } from '../../lib/testing/fixtures.js'
import { connectedClient, deleteByPrefix, describeRedis, failingScript, uniquePrefix, type TestRedisClient } from '../support/redis.js'

describeRedis('RedisStore: lost script replies', function () {
  let client: TestRedisClient
  let prefix: string
  before(async () => { client = await connectedClient() })
  after(async () => { await client?.close() })
  beforeEach(() => { prefix = uniquePrefix('lost') })
  afterEach(async () => { await deleteByPrefix(client, prefix) })

  // INSERT_ACCOUNT and REPLACE_ACCOUNT both take [account, lock]; the insert has 2 arguments, the replace 3.
  const accountWrite = (args: number) => (call: { keys: string[]; arguments: string[] }) =>
    call.keys.length === 2 && call.keys[0]!.endsWith('}:account') && call.keys[1]!.endsWith('}:lock') && call.arguments.length === args

  it('keeps a new account\'s email and phone claims when the insert\'s reply is lost', async () => {
    const store = new RedisStore({ client: failingScript(client, accountWrite(2), 'after'), prefix })
    const a = makeAccount({ phone: '+14155550101' })
    await assert.rejects(store.insertAccount(a), /Socket closed/)
    assert.equal((await store.getAccount(a.id))?.email, a.email)
    assert.equal(await store.findAccountId('email', a.email), a.id)
    assert.equal(await store.findAccountId('phone', a.phone), a.id)
    assert.deepEqual(await store.insertAccount(makeAccount({ email: a.email })), { ok: false, conflict: 'email' })
    assert.deepEqual(await store.insertAccount(makeAccount({ phone: a.phone })), { ok: false, conflict: 'phone' })
  })

  it('keeps the new email\'s claim when an email change\'s reply is lost', async () => {
    const store = new RedisStore({ client: failingScript(client, accountWrite(3), 'after'), prefix })
    const a = makeAccount()
    assert.deepEqual(await store.insertAccount(a), { ok: true })
    const next = { ...a, rev: a.rev + 1, email: `moved.${a.email}` }
    await assert.rejects(store.replaceAccount(next, a.rev), /Socket closed/)
    assert.equal((await store.getAccount(a.id))?.email, next.email)
    assert.equal(await store.findAccountId('email', next.email), a.id)
    assert.deepEqual(await store.insertAccount(makeAccount({ email: next.email })), { ok: false, conflict: 'email' })
    // The old address is free again (its claim names an account that no longer holds it).
    assert.deepEqual(await store.insertAccount(makeAccount({ email: a.email })), { ok: true })
  })

  it('frees the claims when the write failed before Redis ran it', async () => {
    const store = new RedisStore({ client: failingScript(client, accountWrite(2), 'before'), prefix })
    const a = makeAccount({ phone: '+14155550102' })
    await assert.rejects(store.insertAccount(a), /Socket closed/)
    assert.equal(await store.getAccount(a.id), null)
    assert.deepEqual(await store.insertAccount(makeAccount({ email: a.email, phone: a.phone })), { ok: true })
  })
})
