import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { AccountsError } from '../../lib/errors.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { INSERT_ACCOUNT } from '../../lib/store/redis-scripts.js'
import type { RedisStoreOptions } from '../../lib/store/redis-store.js'
import type { Store } from '../../lib/store/store.js'
import { connectedClient, deleteByPrefix, describeRedis, keysByPrefix, redisUrl, uniquePrefix } from '../support/redis.js'
import type { TestRedisClient } from '../support/redis.js'
import { storeContract } from '../../lib/testing/index.js'
import { makeAccount, makeIdentity, makeSession, makeToken, uid } from '../../lib/testing/fixtures.js'

describeRedis('RedisStore', function () {
  let client: TestRedisClient
  const prefixes = new WeakMap<Store, string>()
  before(async () => { client = await connectedClient() })
  after(async () => { await client?.close() })

  storeContract('RedisStore', async () => {
    const prefix = uniquePrefix('contract')
    const store = new RedisStore({ client, prefix })
    prefixes.set(store, prefix)
    return store
  }, { cleanup: async (store) => { await deleteByPrefix(client, prefixes.get(store)!) } })

  describe('Redis specifics', () => {
    let prefix: string
    let store: RedisStore
    beforeEach(() => {
      prefix = uniquePrefix('redis')
      store = new RedisStore({ client, prefix })
    })
    afterEach(async () => {
      await store.close()
      await deleteByPrefix(client, prefix)
    })
    const claim = (id: string, ageMs: number) => JSON.stringify({ id, at: Date.now() - ageMs })

    it('takes over a claim older than 60 s whose owner does not exist', async () => {
      await client.set(`${prefix}u:email:ghost@example.com`, claim('ghost', 120_000))
      const a = makeAccount({ email: 'ghost@example.com' })
      assert.deepEqual(await store.insertAccount(a), { ok: true })
      assert.equal(await store.findAccountId('email', 'ghost@example.com'), a.id)
    })

    it('takes over an old claim whose owner no longer holds the value', async () => {
      const owner = makeAccount({ email: 'moved@example.com' })
      await store.insertAccount(owner)
      await client.set(`${prefix}u:email:once@example.com`, claim(owner.id, 120_000))
      assert.equal(await store.findAccountId('email', 'once@example.com'), null)
      assert.deepEqual(await store.insertAccount(makeAccount({ email: 'once@example.com' })), { ok: true })
    })

    // What a crash (of the app or of Redis) between an insert's claim and its account write
    // leaves behind: the claim, and the writer's lock until it expires.
    it('takes over at once a young claim with no account and no writer holding its lock', async () => {
      await client.set(`${prefix}u:email:young@example.com`, claim('writer', 1000))
      const a = makeAccount({ email: 'young@example.com' })
      assert.deepEqual(await store.insertAccount(a), { ok: true })
      assert.equal(await store.findAccountId('email', 'young@example.com'), a.id)
    })

    it('answers 503 store_contention while the claim\'s writer still holds its lock, then takes it over', async () => {
      await client.set(`${prefix}u:email:midwrite@example.com`, claim('midwriter', 10))
      await client.set(`${prefix}{a:midwriter}:lock`, 'crashed-writer', { PX: 3000 })
      const a = makeAccount({ email: 'midwrite@example.com' })
      await assert.rejects(store.insertAccount(a), (e: AccountsError) => e instanceof AccountsError && e.type === 'store_contention' && e.status === 503)
      assert.equal(await store.getAccount(a.id), null)
      await eventually(async () => assert.equal(await client.exists(`${prefix}{a:midwriter}:lock`), 0), 5000)
      assert.deepEqual(await store.insertAccount(a), { ok: true })
      assert.equal(await store.findAccountId('email', 'midwrite@example.com'), a.id)
    })

    it('never writes an account whose lock expired before its write (its claim may be someone else\'s)', async () => {
      const lockKey = (id: string) => `${prefix}{a:${id}}:lock`
      // A writer paused between its claim and its write past CLAIM_LOCK_MS: its lock is gone,
      // another sign-up took the email over; the paused write must not land.
      const slow = makeAccount({ email: 'slow@example.com' })
      await client.set(`${prefix}u:email:slow@example.com`, claim(slow.id, 10))
      const winner = makeAccount({ email: 'slow@example.com' })
      assert.deepEqual(await store.insertAccount(winner), { ok: true })
      const late = await client.eval(INSERT_ACCOUNT, { keys: [`${prefix}{a:${slow.id}}:account`, lockKey(slow.id)], arguments: [JSON.stringify(slow), 'its-lock'] })
      assert.equal(late, 'expired')
      assert.equal(await store.getAccount(slow.id), null)
      assert.equal(await store.findAccountId('email', 'slow@example.com'), winner.id)
    })

    it('refreshes a leftover claim of the account itself on an email change', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      await client.set(`${prefix}u:email:left@example.com`, claim(a.id, 1000))
      assert.deepEqual(await store.replaceAccount({ ...a, rev: 2, email: 'left@example.com' }, 1), { ok: true })
      assert.equal(await store.findAccountId('email', 'left@example.com'), a.id)
      assert.notEqual(await client.get(`${prefix}u:email:left@example.com`), claim(a.id, 1000))
    })

    it('answers stale to an email change while another one holds the account\'s lock', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      await client.set(`${prefix}{a:${a.id}}:lock`, 'someone', { expiration: { type: 'PX', value: 60_000 } })
      assert.deepEqual(await store.replaceAccount({ ...a, rev: 2, email: 'n@example.com' }, 1), { ok: false, conflict: 'stale' })
      assert.equal(await store.findAccountId('email', 'n@example.com'), null)
      assert.deepEqual(await store.replaceAccount({ ...a, rev: 2, name: 'plain writes pass' }, 1), { ok: true })
      assert.equal(await client.get(`${prefix}{a:${a.id}}:lock`), 'someone')
    })

    it('lets the tokens hash and sessions zset expire with their latest member', async () => {
      const a = makeAccount()
      await store.putToken(makeToken(a.id), 60_000)
      await store.putToken(makeToken(a.id), 1000)
      await store.createSession(makeSession(a.id), { maxSessions: 10, ttlMs: 60_000 })
      await store.createSession(makeSession(a.id), { maxSessions: 10, ttlMs: 1000 })
      for (const k of ['tokens', 'sessions']) {
        const ttl = await client.pTTL(`${prefix}{a:${a.id}}:${k}`)
        assert.ok(ttl > 59_000 && ttl <= 60_000, `${k} pttl ${ttl}`)
      }
    })

    it('keeps all of an account\'s keys under one hash tag, and everything under the prefix', async () => {
      const a = makeAccount({ phone: '+15550009' })
      await store.insertAccount(a)
      for (let i = 0; i < 3; i++) await store.createSession(makeSession(a.id), { maxSessions: 10, ttlMs: 60_000 })
      await store.putToken(makeToken(a.id), 60_000)
      await store.hit('login:1.2.3.4', 60)
      const keys = await keysByPrefix(client, prefix)
      // The listing index has a hash tag of its own (docs/queries.md).
      const accountKeys = keys.filter((k) => k.includes('{') && !k.startsWith(`${prefix}{ix}:`))
      assert.ok(keys.some((k) => k.startsWith(`${prefix}{ix}:`)))
      assert.equal(accountKeys.length, 1 + 1 + 3 + 1) // account, sessions zset, 3 sessions, tokens
      for (const k of accountKeys) assert.ok(k.startsWith(`${prefix}{a:${a.id}}:`), k)
      const others = keys.filter((k) => !k.includes('{')).sort()
      assert.deepEqual(others, [`${prefix}rl:login:1.2.3.4`, `${prefix}u:email:${a.email}`, `${prefix}u:phone:${a.phone}`])
    })

    const identityClaimKey = (provider: string, providerUid: string) =>
      `${prefix}u:identity:${provider}:${createHash('sha256').update(providerUid).digest('hex')}`
    const identityClaim = (id: string, identity: string, ageMs: number) => JSON.stringify({ id, identity, at: Date.now() - ageMs })

    it('keeps identities under the account\'s hash tag, and no raw provider uid in any key', async () => {
      const a = makeAccount({ email: '' })
      await store.insertAccount(a)
      const rawUid = `uid-${uid()}-{a:x}`
      const i = makeIdentity(a.id, { providerUid: rawUid })
      await store.insertIdentity(i)
      const keys = (await keysByPrefix(client, prefix)).filter((k) => !k.startsWith(`${prefix}{ix}:`)).sort()
      assert.deepEqual(keys, [`${prefix}u:identity:github:${createHash('sha256').update(rawUid).digest('hex')}`,
        `${prefix}u:identity-id:${createHash('sha256').update(i.id).digest('hex')}`,
        `${prefix}{a:${a.id}}:account`, `${prefix}{a:${a.id}}:identities`].sort())
      for (const k of keys) assert.ok(!k.includes(rawUid) && !k.includes('uid-'), k)
      assert.deepEqual(JSON.parse((await client.hGet(`${prefix}{a:${a.id}}:identities`, i.id))!), i)
      const claimed = JSON.parse((await client.get(identityClaimKey('github', rawUid)))!) as Record<string, unknown>
      assert.deepEqual([claimed.id, claimed.identity], [a.id, i.id])
      await store.deleteAccount(a.id)
      // Left: the listing indexes' tombstones of the deleted account and identity (pruned after an hour).
      assert.deepEqual((await keysByPrefix(client, prefix)).sort(),
        [`${prefix}{ix}:gone`, `${prefix}{ix}:gone-at`, `${prefix}{ix}:idn:gone`, `${prefix}{ix}:idn:gone-at`])
    })

    it('takes over an identity claim older than 60 s whose identity does not exist', async () => {
      const owner = makeAccount()
      await store.insertAccount(owner)
      await client.set(identityClaimKey('github', 'crashed'), identityClaim(owner.id, uid(), 120_000))
      assert.equal(await store.findIdentityOwner('github', 'crashed'), null)
      const a = makeAccount()
      await store.insertAccount(a)
      assert.deepEqual(await store.insertIdentity(makeIdentity(a.id, { providerUid: 'crashed' })), { ok: true })
      assert.equal(await store.findIdentityOwner('github', 'crashed'), a.id)
    })

    it('treats a young identity claim as taken even without its identity (owner may be mid-write)', async () => {
      await client.set(identityClaimKey('github', 'young'), identityClaim(uid(), uid(), 1000))
      const a = makeAccount()
      await store.insertAccount(a)
      assert.deepEqual(await store.insertIdentity(makeIdentity(a.id, { providerUid: 'young' })), { ok: false, conflict: 'identity' })
      assert.equal(await store.findIdentityOwner('github', 'young'), null)
      assert.deepEqual(await store.listIdentities(a.id), [])
    })

    it('releases only identity claims that still name the deleted identity', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      const i = makeIdentity(a.id)
      const j = makeIdentity(a.id, { provider: 'google' })
      await store.insertIdentity(i)
      await store.insertIdentity(j)
      const foreign = identityClaim(uid(), uid(), 0) // as if taken over meanwhile
      await client.set(identityClaimKey(i.provider, i.providerUid), foreign)
      await client.set(identityClaimKey(j.provider, j.providerUid), foreign)
      assert.equal(await store.deleteIdentity(a.id, i.id), true)
      assert.equal(await client.get(identityClaimKey(i.provider, i.providerUid)), foreign)
      assert.equal(await store.deleteAccount(a.id), true)
      assert.equal(await client.get(identityClaimKey(j.provider, j.providerUid)), foreign)
    })

    it('reads a session with its account in one command (MGET)', async () => {
      const a = makeAccount()
      await store.insertAccount(a)
      const s = makeSession(a.id)
      await store.createSession(s, { maxSessions: 10, ttlMs: 60_000 })
      const before = await commandCalls(client)
      assert.deepEqual(await store.getSessionWithAccount(a.id, s.id), { session: s, account: a })
      const after = await commandCalls(client)
      const diff = Object.keys(after).filter((k) => k !== 'info' && after[k] !== before[k])
        .map((k) => `${k}+${after[k]! - (before[k] ?? 0)}`)
      assert.deepEqual(diff, ['mget+1'])
    })

    it('isolates stores with different prefixes', async () => {
      const otherPrefix = uniquePrefix('other')
      const other = new RedisStore({ client, prefix: otherPrefix })
      try {
        const a = makeAccount()
        await store.insertAccount(a)
        assert.equal(await other.getAccount(a.id), null)
        assert.deepEqual(await other.insertAccount(a), { ok: true })
      } finally {
        await deleteByPrefix(client, otherPrefix)
      }
    })

    it('keeps ids with braces inside their own hash tag', async () => {
      const a = makeAccount({ id: 'x}:s:y' })
      const b = makeAccount({ id: 'x' })
      await store.insertAccount(a)
      await store.insertAccount(b)
      await store.createSession(makeSession(b.id, { id: 'y}:account' }), { maxSessions: 10, ttlMs: 60_000 })
      assert.deepEqual(await store.getAccount(a.id), a)
      for (const k of await keysByPrefix(client, `${prefix}{a`)) assert.match(k, /^[^}]*\{a:(x|x%7D:s:y)\}:/)
    })

    it('leaves a client it was given open on close()', async () => {
      await store.close()
      assert.equal(client.isOpen, true)
      await assert.rejects(store.getAccount('x'), (e: AccountsError) => e.type === 'store_unavailable' && /closed/.test(String((e.cause as Error).message)))
    })

    it('with `url` and no Redis listening, fails commands instead of hanging', async function () {
      this.timeout(15_000)
      const port = await closedPort()
      const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: uniquePrefix('down') })
      const warnings: string[] = []
      const onWarning = (w: Error) => warnings.push(w.message)
      process.on('warning', onWarning)
      try {
        const started = Date.now()
        // 503 store_unavailable, with the connection error as its cause.
        await assert.rejects(store.getAccount('x'), (e: AccountsError) =>
          e instanceof AccountsError && e.type === 'store_unavailable' && /ECONNREFUSED|not reachable/.test(String(e.cause)))
        assert.ok(Date.now() - started < 10_000)
        // Known down now: the next call fails at once instead of waiting for a connect.
        const again = Date.now()
        await assert.rejects(store.getAccount('x'), (e: AccountsError) => e.type === 'store_unavailable')
        assert.ok(Date.now() - again < 1000)
        // process.emitWarning emits on a later tick; the failures above may settle before it.
        await new Promise((resolve) => setImmediate(resolve))
      } finally {
        process.off('warning', onWarning)
        await store.close()
      }
      assert.ok(warnings.some((m) => m.startsWith('RedisStore:')))
    })
  })

  describe('options', () => {
    it('throws TypeError for bad options, naming the option', () => {
      const url = redisUrl()!
      const bad: Array<[unknown, RegExp]> = [
        [{}, /client.*url/], [undefined, /client.*url/], [{ client, url }, /client.*url/],
        [{ url: '' }, /url/], [{ url, prefix: 'a{b' }, /prefix/], [{ url, prefix: 'a}' }, /prefix/], [{ url, prefix: 7 }, /prefix/],
      ]
      for (const [opts, msg] of bad) assert.throws(() => new RedisStore(opts as RedisStoreOptions), (e: Error) => e instanceof TypeError && msg.test(e.message))
    })

    it('with `url`, creates its own client lazily and closes it', async () => {
      const prefix = uniquePrefix('url')
      const store = new RedisStore({ url: redisUrl()!, prefix })
      const before = await clientCount(client)
      try {
        const a = makeAccount()
        const [r1, r2] = await Promise.all([store.insertAccount(a), store.getAccount(uid())]) // share one connect
        assert.deepEqual(r1, { ok: true })
        assert.equal(r2, null)
        assert.deepEqual(await store.getAccount(a.id), a)
        assert.equal(await clientCount(client), before + 1)
      } finally {
        await store.close()
        await deleteByPrefix(client, prefix)
      }
      await eventually(async () => assert.equal(await clientCount(client), before))
      await assert.rejects(store.getAccount('x'), (e: AccountsError) => e.type === 'store_unavailable' && /closed/.test(String((e.cause as Error).message)))
    })
  })
})

/** A loopback port nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const net = await import('node:net')
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as import('node:net').AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function clientCount(client: TestRedisClient): Promise<number> {
  return (await client.clientList()).length
}

/** Per-command call counts from INFO commandstats (the server is this run's own). */
async function commandCalls(client: TestRedisClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2])
  return out
}

/** The server notices a closed connection a moment after the client does. */
async function eventually(check: () => Promise<void>, ms = 1000): Promise<void> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 20))) {
    try {
      return await check()
    } catch (err) {
      if (Date.now() > deadline) throw err
    }
  }
}
