/**
 * `express-accounts migrate` end to end: a running app (the router over a MemoryStore, as the
 * example app mounts it) is the "Appwrite" source with 1,000 users plus one per hash-import
 * scheme; the command pages through its Users API with node-appwrite and writes into a fresh
 * RedisStore (the harness' redis-server); every user then signs in on a second app over that
 * store with the old password. Also: dry run, resume after a crash, idempotent re-run.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { Client, Query, Users } from 'node-appwrite'
import { main } from '../../lib/cli/main.js'
import { migrateUsers } from '../../lib/cli/migrate.js'
import { blankAccount } from '../../lib/core/account-records.js'
import { createAccounts, RedisStore } from '../../lib/index.js'
import { API_KEY, MEMORY, PROJECT, nodeClients, startServer, type TestServer } from '../sdk/helpers.js'
import { connectedClient, deleteByPrefix, requireRedisOrSkip, uniquePrefix } from '../support/redis.js'

const SEEDED = 1000
const IMPORTS: Array<{ email: string; password: string; create(u: Users, email: string): Promise<unknown> }> = [
  { email: 'argon2@import.test', password: 'password', create: (u, email) => u.createArgon2User({ userId: 'imp-argon2', email, password: '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc' }) },
  { email: 'bcrypt@import.test', password: 'rasmuslerdorf', create: (u, email) => u.createBcryptUser({ userId: 'imp-bcrypt', email, password: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }) },
  { email: 'md5@import.test', password: 'message digest', create: (u, email) => u.createMD5User({ userId: 'imp-md5', email, password: 'f96b697d7cb7938d525a2f31aaf161d0' }) },
  { email: 'phpass@import.test', password: 'test12345', create: (u, email) => u.createPHPassUser({ userId: 'imp-phpass', email, password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' }) },
  { email: 'sha@import.test', password: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', create: (u, email) => u.createSHAUser({ userId: 'imp-sha', email, password: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1' }) },
  {
    email: 'scrypt@import.test', password: 'password',
    create: (u, email) => u.createScryptUser({ userId: 'imp-scrypt', email, passwordSalt: 'NaCl', passwordCpu: 1024, passwordMemory: 8, passwordParallel: 16, passwordLength: 64, password: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640' }),
  },
  {
    email: 'firebase@import.test', password: 'user1password',
    create: (u, email) => u.createScryptModifiedUser({ userId: 'imp-firebase', email, password: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==', passwordSalt: '42xEC+ixf3L2lw==', passwordSaltSeparator: 'Bw==', passwordSignerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==' }),
  },
]
const TOTAL = SEEDED + IMPORTS.length
const passwordOf = (i: number) => `old password ${i}`

describe('express-accounts migrate: from a running app into a fresh RedisStore', function () {
  this.timeout(180_000)
  let source: TestServer
  let dir: string
  let url: string
  const prefixes: string[] = []

  before(async function () {
    url = requireRedisOrSkip(this)
    source = await startServer(MEMORY)
    // Seeded through the store: bcrypt at cost 4, as the source's own hashes (lib/password.ts).
    const now = source.clock.now()
    for (let i = 0; i < SEEDED; i++) {
      const a = blankAccount(`user-${String(i).padStart(4, '0')}`, now)
      a.email = `user${i}@source.test`
      a.name = `User ${i}`
      a.labels = i % 10 === 0 ? ['vip'] : []
      a.prefs = { n: i }
      a.emailVerification = i % 2 === 0
      a.status = i % 97 !== 0
      a.impersonator = i % 25 === 0
      // The email target comes from the address on insert; some have a phone (sms target) and a device.
      if (i % 3 === 0) a.phone = `+1415555${String(i).padStart(4, '0')}`
      a.targets = i % 20 === 0
        ? [{ id: `push-${i}`, createdAt: now, updatedAt: now, providerType: 'push', identifier: `fcm-token-${i}`, providerId: null, name: 'Pixel', expired: false }]
        : []
      a.passwordHash = await source.accounts.passwords.hash(passwordOf(i))
      a.passwordUpdatedAt = now
      await source.accounts.insert(a)
    }
    const users = new Users(new Client().setEndpoint(source.endpoint).setProject(PROJECT).setKey(API_KEY))
    for (const imp of IMPORTS) await imp.create(users, imp.email)
    dir = await mkdtemp(join(tmpdir(), 'migrate-'))
  })

  after(async () => {
    await source?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
    if (url) {
      const client = await connectedClient(url)
      for (const p of prefixes) await deleteByPrefix(client, p)
      await client.quit()
    }
  })

  const run = async (args: string[]) => {
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => { text += chunk.toString() })
    const code = await main(['migrate', '--from', source.endpoint, '--project', PROJECT, '--key', API_KEY, ...args], out as unknown as NodeJS.WriteStream)
    return { code, text }
  }
  const target = (prefix: string) => {
    const store = new RedisStore({ url, prefix })
    return createAccounts({ store, project: PROJECT, secret: 'y'.repeat(32), apiKeys: [API_KEY], bcryptCost: 4 })
  }

  it('--dry-run reads every user and writes nothing', async () => {
    const prefix = uniquePrefix('mig-dry')
    prefixes.push(prefix)
    const cursor = join(dir, 'dry.json')
    const { code, text } = await run(['--redis', url, '--prefix', prefix, '--cursor', cursor, '--dry-run'])
    assert.equal(code, 0, text)
    assert.match(text, new RegExp(`would create ${TOTAL}, already there 0, failed 0, without password 0`))
    const client = await connectedClient(url)
    try {
      assert.equal((await client.keys(`${prefix}*`)).length, 0)
    } finally {
      await client.quit()
    }
    await assert.rejects(readFile(cursor), { code: 'ENOENT' })
  })

  it('moves every user with its password, profile, labels, prefs, flags, impersonator and targets; resumes after a crash; re-runs change nothing', async () => {
    const prefix = uniquePrefix('mig')
    prefixes.push(prefix)
    const cursorPath = join(dir, 'cursor.json')
    const accounts = target(prefix)
    // A first run that dies after three pages (a crash between pages).
    const users = new Users(new Client().setEndpoint(source.endpoint).setProject(PROJECT).setKey(API_KEY))
    let pages = 0
    await assert.rejects(migrateUsers({
      source: users, query: Query, endpoint: source.endpoint, project: PROJECT, target: accounts, cursorPath, pageSize: 100,
      onProgress: () => {
        pages += 1
        if (pages === 3) throw new Error('crash')
      },
    }), /crash/)
    const saved = JSON.parse(await readFile(cursorPath, 'utf8')) as { cursor: string; created: number }
    assert.equal(saved.created, 300)

    const resumed = await run(['--redis', url, '--prefix', prefix, '--cursor', cursorPath])
    assert.equal(resumed.code, 0, resumed.text)
    assert.match(resumed.text, new RegExp(`created ${TOTAL}, already there 0, failed 0, without password 0`))

    // Every field carried over, user by user.
    for (let i = 0; i < SEEDED; i += 5) {
      const id = `user-${String(i).padStart(4, '0')}`
      const [from, to] = [await source.accounts.getAccount(id), await accounts.getAccount(id)]
      assert.ok(from && to, id)
      const pick = (a: typeof from) => ({
        email: a.email, phone: a.phone, name: a.name, labels: a.labels, prefs: a.prefs, ev: a.emailVerification, status: a.status, hash: a.passwordHash,
        reg: a.registration, impersonator: a.impersonator === true, targets: a.targets,
      })
      assert.deepEqual(pick(to), pick(from), id)
      assert.equal(to.targets?.length, 1 + (i % 3 === 0 ? 1 : 0) + (i % 20 === 0 ? 1 : 0), id)
    }

    // Sign-ins with the old passwords on an app over the migrated store.
    const app = await startServer({ name: 'migrated', available() {}, create: () => ({ store: new RedisStore({ url, prefix }), cleanup: async () => {} }) })
    try {
      const c = nodeClients(app.endpoint)
      for (let i = 1; i < SEEDED; i += 50) {
        if (i % 97 === 0) continue
        assert.equal((await c.key.createEmailPasswordSession({ email: `user${i}@source.test`, password: passwordOf(i) })).userId, `user-${String(i).padStart(4, '0')}`)
      }
      for (const imp of IMPORTS) {
        assert.ok((await c.key.createEmailPasswordSession({ email: imp.email, password: imp.password })).userId.startsWith('imp-'), imp.email)
      }
      await assert.rejects(c.key.createEmailPasswordSession({ email: 'user0@source.test', password: passwordOf(0) }), { type: 'user_blocked' })
    } finally {
      await app.close()
    }

    // Idempotent: a re-run from scratch finds every user already there and changes nothing.
    const before = await accounts.getAccount('imp-md5')
    await rm(cursorPath)
    const again = await run(['--redis', url, '--prefix', prefix, '--cursor', cursorPath])
    assert.equal(again.code, 0, again.text)
    assert.match(again.text, new RegExp(`created 0, already there ${TOTAL}, failed 0`))
    assert.deepEqual(await accounts.getAccount('imp-md5'), before, 'the rehashed password is not overwritten by the source\'s hash')
    await accounts.store.close()
  })
})

describe('express-accounts migrate: command line', function () {
  it('refuses a bad command line with the usage (exit code 2)', async () => {
    assert.equal((await main(['migrate', '--from', 'x'], new PassThrough() as unknown as NodeJS.WriteStream)), 2)
    assert.equal((await main(['migrate', '--from', 'x', '--project', 'p', '--key', 'k'], new PassThrough() as unknown as NodeJS.WriteStream)), 2)
    assert.equal((await main(['nope'], new PassThrough() as unknown as NodeJS.WriteStream)), 2)
  })

  it('an unreachable source stops with exit code 1 and a message, no stack trace', async () => {
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => { text += chunk.toString() })
    const code = await main(['migrate', '--from', 'http://127.0.0.1:9/v1', '--project', 'p', '--key', 'k', '--dry-run'], out as unknown as NodeJS.WriteStream)
    assert.equal(code, 1)
    assert.match(text, /migration stopped: fetch failed .*\nRun the same command again to resume\.\n$/s)
  })
})
