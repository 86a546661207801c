/**
 * RedisStore's identity listing index beyond the contract: identities stored before the index
 * (and before the `findIdentity` pointer) existed are indexed, and given their pointer, by the
 * rebuild; a lost index write is repaired by `reindexAccounts()`; a late index write never
 * rolls the index back.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { parseIdentityQueries } from '../../lib/queries/parse-identity-queries.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeAccount, makeIdentity, T0 } from '../../lib/testing/fixtures.js'
import { connectedClient, deleteByPrefix, describeRedis, failingScript, keysByPrefix, uniquePrefix, type TestRedisClient } from '../support/redis.js'

describeRedis('RedisStore identity index', function () {
  let client: TestRedisClient
  let prefix: string
  before(async () => { client = await connectedClient() })
  after(async () => { await client?.close() })
  beforeEach(() => { prefix = uniquePrefix('ixi') })
  afterEach(async () => { await deleteByPrefix(client, prefix) })

  const all = parseIdentityQueries([])
  const ids = async (store: RedisStore, queries: string[] = []) =>
    (await store.queryIdentities(parseIdentityQueries(queries)))?.identities.map((i) => i.id)
  const dropKeys = async (pattern: string) => {
    const keys = await keysByPrefix(client, pattern)
    if (keys.length) await client.del(keys)
  }
  const seed = async (store: RedisStore) => {
    const [a, b] = [makeAccount(), makeAccount()]
    for (const x of [a, b]) await store.insertAccount(x)
    const made = [makeIdentity(a.id, { createdAt: T0 + 1 }), makeIdentity(b.id, { createdAt: T0 + 2 }), makeIdentity(a.id, { createdAt: T0 + 3 })]
    for (const i of made) assert.deepEqual(await store.insertIdentity(i), { ok: true })
    return made
  }

  it('indexes the identities stored before the identity index existed before its first listing', async () => {
    const made = await seed(new RedisStore({ client, prefix }))
    await dropKeys(`${prefix}{ix}:idn:`) // as a version with account listings only left it
    const reader = new RedisStore({ client, prefix })
    assert.deepEqual(await reader.queryIdentities(all), { total: 3, identities: made })
    assert.equal(await client.get(`${prefix}{ix}:idn:ready`), '1')
  })

  it('gives identities stored before the id pointer existed their pointer on reindexAccounts()', async () => {
    const store = new RedisStore({ client, prefix })
    const made = await seed(store)
    const pointer = (id: string) => `${prefix}u:identity-id:${createHash('sha256').update(id).digest('hex')}`
    await client.del(made.map((i) => pointer(i.id)))
    assert.equal(await store.findIdentity(made[0]!.id), null)
    assert.equal(await store.reindexAccounts(), 2)
    for (const i of made) assert.deepEqual(await store.findIdentity(i.id), i)
    assert.equal(await store.deleteIdentity(made[0]!.accountId, made[0]!.id), true)
    assert.equal(await client.exists(pointer(made[0]!.id)), 0)
  })

  it('repairs an identity whose index write was lost (the writer died in between) with reindexAccounts()', async () => {
    const store = new RedisStore({ client, prefix })
    const made = await seed(store)
    const [a] = made
    assert.equal((await store.queryIdentities(all))?.total, 3) // the index is built
    // The identity write landed, the index write did not.
    const lost = makeIdentity(a.accountId, { createdAt: T0 + 4, provider: 'lost' })
    await client.hSet(`${prefix}{a:${a.accountId}}:identities`, lost.id, JSON.stringify(lost))
    assert.equal((await store.queryIdentities(all))?.total, 3)
    await store.reindexAccounts()
    assert.deepEqual(await ids(store, ['{"method":"equal","attribute":"provider","values":["lost"]}']), [lost.id])
    assert.equal((await store.queryIdentities(all))?.total, 4)
  })

  it('never rolls the index back when an older write of an identity arrives late, nor brings a deleted one back', async () => {
    const store = new RedisStore({ client, prefix })
    const [first] = await seed(store)
    const a = { ...first!, providerEmail: 'first@idp.example.com' }
    assert.equal(await store.replaceIdentity(a), true)
    const key = `${prefix}{a:${a.accountId}}:identities`
    const refreshed = { ...a, updatedAt: T0 + 9, providerEmail: 'second@idp.example.com' }
    assert.equal(await store.replaceIdentity(refreshed), true)
    // A rebuild that read the identity (at write count 1) before the second replace applies it afterwards.
    const revs = `${prefix}{a:${a.accountId}}:identity-revs`
    assert.equal(await client.hGet(revs, a.id), '2')
    await client.hSet(key, a.id, JSON.stringify(a))
    await client.hSet(revs, a.id, '1')
    await store.reindexAccounts()
    await client.hSet(key, a.id, JSON.stringify(refreshed))
    await client.hSet(revs, a.id, '2')
    const byEmail = (e: string) => ids(store, [JSON.stringify({ method: 'equal', attribute: 'providerEmail', values: [e] })])
    assert.deepEqual(await byEmail('second@idp.example.com'), [a.id])
    assert.deepEqual(await byEmail(a.providerEmail), [])
    assert.equal(await store.deleteIdentity(a.accountId, a.id), true)
    await client.hSet(key, a.id, JSON.stringify(refreshed))
    await store.reindexAccounts()
    await client.hDel(key, a.id)
    assert.deepEqual(await byEmail('second@idp.example.com'), [])
    assert.equal((await store.queryIdentities(all))?.total, 2)
  })

  it('leaves an identity deleted behind the index out of the page', async () => {
    const store = new RedisStore({ client, prefix })
    const made = await seed(store)
    await client.hDel(`${prefix}{a:${made[1]!.accountId}}:identities`, made[1]!.id)
    assert.deepEqual(await ids(store), [made[0]!.id, made[2]!.id])
  })

  it('keeps the (provider, uid) claim of a stored identity when its index write fails', async () => {
    const store = new RedisStore({ client, prefix })
    const [a, b] = [makeAccount(), makeAccount()]
    for (const x of [a, b]) await store.insertAccount(x)
    // The index write fails (its doc hash is the wrong type) after the identity is stored.
    await client.set(`${prefix}{ix}:idn:doc`, 'not a hash')
    const i = makeIdentity(a.id)
    await assert.rejects(store.insertIdentity(i), /WRONGTYPE/)
    assert.deepEqual(await store.getIdentity(a.id, i.id), i)
    assert.equal(await store.findIdentityOwner(i.provider, i.providerUid), a.id)
    assert.deepEqual(await store.insertIdentity(makeIdentity(b.id, { providerUid: i.providerUid })), { ok: false, conflict: 'identity' })
    // Once the index can be written again, a rebuild lists it.
    await client.del(`${prefix}{ix}:idn:doc`)
    await store.reindexAccounts()
    assert.deepEqual(await ids(store), [i.id])
  })

  /** The client, except that the next identity insert script fails (see failingScript). */
  const failingInsert = (when: 'before' | 'after') =>
    failingScript(client, (call) => call.keys.length === 3 && call.keys[2]!.endsWith('}:identity-revs'), when)

  it('keeps the (provider, uid) claim when the identity write\'s reply is lost after Redis applied it', async () => {
    // The connection drops after Redis ran the insert script but before its reply arrived:
    // the identity is stored, yet the writer only sees an error.
    const store = new RedisStore({ client: failingInsert('after'), prefix })
    const [a, b] = [makeAccount(), makeAccount()]
    for (const x of [a, b]) await store.insertAccount(x)
    const i = makeIdentity(a.id)
    await assert.rejects(store.insertIdentity(i), /Socket closed/)
    assert.deepEqual(await store.getIdentity(a.id, i.id), i)
    assert.equal(await store.findIdentityOwner(i.provider, i.providerUid), a.id)
    // Nobody else can link the pair while account a holds it.
    assert.deepEqual(await store.insertIdentity(makeIdentity(b.id, { providerUid: i.providerUid })), { ok: false, conflict: 'identity' })
  })

  it('releases the (provider, uid) claim when the identity write failed before Redis ran it', async () => {
    const store = new RedisStore({ client: failingInsert('before'), prefix })
    const [a, b] = [makeAccount(), makeAccount()]
    for (const x of [a, b]) await store.insertAccount(x)
    const i = makeIdentity(a.id)
    await assert.rejects(store.insertIdentity(i), /Socket closed/)
    assert.equal(await store.getIdentity(a.id, i.id), null)
    assert.deepEqual(await store.insertIdentity(makeIdentity(b.id, { providerUid: i.providerUid })), { ok: true })
    assert.equal(await store.findIdentityOwner(i.provider, i.providerUid), b.id)
  })
})
