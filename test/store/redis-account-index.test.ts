/**
 * RedisStore's listing index beyond the contract: accounts stored before the index existed, or
 * indexed in an older format, are indexed before the first listing, a lost index write is
 * repaired by `reindexAccounts()`, and an index write arriving late never rolls the index back.
 */
import assert from 'node:assert/strict'
import { parseAccountQueries } from '../../lib/queries/parse-account-queries.js'
import { docString, indexDoc } from '../../lib/store/account-index.js'
import { INDEX_FORMAT } from '../../lib/store/redis-account-index.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeAccount, uid } from '../../lib/testing/fixtures.js'
import { connectedClient, deleteByPrefix, describeRedis, keysByPrefix, uniquePrefix, type TestRedisClient } from '../support/redis.js'

describeRedis('RedisStore account index', function () {
  let client: TestRedisClient
  let prefix: string
  before(async () => { client = await connectedClient() })
  after(async () => { await client?.close() })
  beforeEach(() => { prefix = uniquePrefix('ix') })
  afterEach(async () => { await deleteByPrefix(client, prefix) })

  const all = parseAccountQueries([])
  const dropIndex = async () => {
    const keys = await keysByPrefix(client, `${prefix}{ix}`)
    if (keys.length) await client.del(keys)
  }

  it('indexes the accounts stored before the index existed before its first listing', async () => {
    const writer = new RedisStore({ client, prefix })
    const made = [makeAccount({ registration: 1 }), makeAccount({ registration: 2 }), makeAccount({ registration: 3 })]
    for (const a of made) await writer.insertAccount(a)
    await dropIndex() // as a store of an older version left it
    const reader = new RedisStore({ client, prefix })
    const page = await reader.queryAccounts(all)
    assert.deepEqual(page?.accounts.map((a) => a.id), made.map((a) => a.id))
    assert.equal(page?.total, 3)
    assert.equal(await client.get(`${prefix}{ix}:ready`), INDEX_FORMAT)
  })

  it('rebuilds an index of an older format before its first listing, so a search counts each account once', async () => {
    const writer = new RedisStore({ client, prefix })
    const a = makeAccount({ name: 'Grace Gracie Gr' })
    const b = makeAccount({ name: 'Grant' })
    for (const x of [a, b]) await writer.insertAccount(x)
    const search = parseAccountQueries([], 'gra')
    assert.equal((await writer.queryAccounts(search))?.total, 2)
    // As format 1 left it: docs without the format field, term entries without the account's
    // terms, no term overlaps, `ready` = 1.
    const terms = `${prefix}{ix}:i:terms`
    const legacy = (m: string) => m.split('\0').slice(0, 3).join('\0')
    const current = await client.zRange(terms, 0, -1)
    await client.del([terms, `${prefix}{ix}:term-overlaps`])
    await client.zAdd(terms, current.map((m) => ({ score: 0, value: legacy(m) })))
    for (const [id, doc] of Object.entries(await client.hGetAll(`${prefix}{ix}:doc`))) {
      await client.hSet(`${prefix}{ix}:doc`, id, doc.split('\u0001').slice(0, -1).join('\u0001'))
    }
    await client.set(`${prefix}{ix}:ready`, '1')
    const reader = new RedisStore({ client, prefix })
    const page = await reader.queryAccounts(search)
    assert.equal(page?.total, 2)
    assert.deepEqual(page?.accounts.map((x) => x.id), [a.id, b.id])
    assert.equal(await client.get(`${prefix}{ix}:ready`), INDEX_FORMAT)
    // The same generations were rewritten, not skipped as already indexed.
    const gr = Buffer.from('gr').toString('hex') // overlaps gr/grace and grace/gracie
    assert.equal(await client.zLexCount(`${prefix}{ix}:term-overlaps`, `[${gr}`, `(${gr}\u00ff`), 2)
    const rebuilt = await client.zRange(terms, 0, -1)
    assert.equal(rebuilt.length, current.length)
    assert.ok(rebuilt.every((m) => m.split('\0').length === 4), 'no term entry of format 1 is left')
  })

  it('reindexAccounts() drops the search entries a process of the older format left behind', async () => {
    const store = new RedisStore({ client, prefix })
    const a = makeAccount({ name: 'Adaline Adam Zed' })
    await store.insertAccount(a)
    // A format-1 process renames the account: it replaces the doc, removes the term entries in
    // its own layout (there are none) and adds its own, so the format-2 ones of "Adaline Adam"
    // stay, and so does their overlap ("ada"), which format 1 knew nothing of.
    const renamed = { ...a, rev: 2, name: 'Bob' }
    await client.set(`${prefix}{a:${a.id}}:account`, JSON.stringify(renamed))
    const doc = docString(indexDoc(renamed))
    await client.hSet(`${prefix}{ix}:doc`, a.id, doc)
    const tail = `\0${indexDoc(renamed).registration}\0${a.id}`
    await client.zAdd(`${prefix}{ix}:i:terms`, indexDoc(renamed).termList.map((t) => ({ score: 0, value: `${t}${tail}` })))
    await store.reindexAccounts()
    const search = (text: string) => store.queryAccounts(parseAccountQueries([], text))
    assert.deepEqual(await search('adaline'), { total: 0, accounts: [] })
    assert.deepEqual(await search('ada'), { total: 0, accounts: [] })
    assert.deepEqual((await search('bob'))?.accounts.map((x) => x.id), [a.id])
    assert.equal((await search('bob'))?.total, 1)
    const members = await client.zRange(`${prefix}{ix}:i:terms`, 0, -1)
    assert.deepEqual(members.map((m) => m.split('\0')[0]).sort(), indexDoc(renamed).termList)
    assert.ok(members.every((m) => m.split('\0').length === 4))
  })

  it('repairs an account whose index write was lost (the writer died in between) with reindexAccounts()', async () => {
    const store = new RedisStore({ client, prefix })
    const a = makeAccount()
    await store.insertAccount(a)
    assert.equal((await store.queryAccounts(all))?.total, 1)
    // The account write landed, the index write did not.
    const b = makeAccount({ id: uid(), name: 'Lost' })
    await client.set(`${prefix}{a:${b.id}}:account`, JSON.stringify(b))
    await client.set(`${prefix}{a:${a.id}}:account`, JSON.stringify({ ...a, rev: 2, name: 'Renamed' }))
    assert.equal((await store.queryAccounts(all))?.total, 1)
    assert.equal(await store.reindexAccounts(), 2)
    const page = await store.queryAccounts(parseAccountQueries(['{"method":"orderAsc","attribute":"name","values":[]}']))
    assert.deepEqual(page?.accounts.map((x) => x.name), ['Lost', 'Renamed'])
    assert.deepEqual((await store.queryAccounts(parseAccountQueries(['{"method":"equal","attribute":"name","values":["Ada"]}'])))?.total, 0)
  })

  it('never rolls the index back when an older write of an account arrives late', async () => {
    const store = new RedisStore({ client, prefix })
    const a = makeAccount({ name: 'First' })
    await store.insertAccount(a)
    const second = { ...a, rev: 2, name: 'Second' }
    assert.deepEqual(await store.replaceAccount(second, 1), { ok: true })
    // A rebuild that read the account before the replace applies its (older) copy afterwards.
    await client.set(`${prefix}{a:${a.id}}:account`, JSON.stringify(a))
    await store.reindexAccounts()
    await client.set(`${prefix}{a:${a.id}}:account`, JSON.stringify(second))
    const byName = (n: string) => parseAccountQueries([JSON.stringify({ method: 'equal', attribute: 'name', values: [n] })])
    assert.equal((await store.queryAccounts(byName('Second')))?.total, 1)
    assert.equal((await store.queryAccounts(byName('First')))?.total, 0)
    // Nor brings a deleted account back.
    await store.deleteAccount(a.id)
    await client.set(`${prefix}{a:${a.id}}:account`, JSON.stringify(second))
    await store.reindexAccounts()
    await client.del(`${prefix}{a:${a.id}}:account`)
    assert.equal((await store.queryAccounts(all))?.total, 0)
  })
})
