/**
 * The security log under attack and under audit, on MemoryStore and RedisStore:
 * - a flood of failed sign-ins (10,000) leaves at most the stranger cap, never pushes out the
 *   account's own entries, and keeps the account's Redis storage bounded;
 * - failed sign-ins against ids that do not exist store nothing at all;
 * - every logged flow, run with known secrets, leaves no secret, code, password or token in
 *   any stored entry (the raw Redis values are scanned too).
 */
import assert from 'node:assert/strict'
import { createAccounts, MemoryStore, RedisStore, type Store } from '../../lib/index.js'
import { SECURITY_EVENTS } from '../../lib/core/security-log.js'
import { AccountsError } from '../../lib/errors.js'
import { connectedClient, deleteByPrefix, dumpByPrefix, keysByPrefix, redisUrl, requireRedisOrSkip, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { TestClock } from '../support/test-clock.js'

const SECRET = 'security-log-test-secret-of-32-bytes!'
const ORIGIN = 'https://app.example.com'

interface Case {
  name: string
  needsRedis: boolean
  make(): { store: Store; prefix: string }
}
const cases: Case[] = [
  { name: 'MemoryStore', needsRedis: false, make: () => ({ store: new MemoryStore(), prefix: '' }) },
  {
    name: 'RedisStore',
    needsRedis: true,
    make: () => {
      const prefix = uniquePrefix('seclog')
      return { store: new RedisStore({ url: redisUrl() as string, prefix }), prefix }
    },
  },
]

for (const c of cases) {
  describe(`security log: attacks and secrets (${c.name})`, function () {
    let redis: TestRedisClient | null = null
    const prefixes: string[] = []
    const stores: Store[] = []
    before(async function () {
      if (c.needsRedis) {
        requireRedisOrSkip(this)
        redis = await connectedClient()
      }
    })
    after(async () => {
      for (const s of stores) await s.close()
      if (redis) {
        for (const p of prefixes) await deleteByPrefix(redis, p)
        await redis.quit()
      }
    })
    const build = (options: Parameters<typeof createAccounts>[0] = {}) => {
      const { store, prefix } = c.make()
      prefixes.push(prefix)
      stores.push(store)
      const clock = new TestClock()
      const mails: string[] = []
      const accounts = createAccounts({
        store, secret: SECRET, bcryptCost: 4, rateLimits: false, clock, allowedRedirectOrigins: [ORIGIN],
        mailer: { send: async (m) => void mails.push(JSON.stringify(m)) },
        ...options,
      })
      return { accounts, store, prefix, clock }
    }

    it('10,000 failed sign-ins leave at most the stranger cap; the account’s own entries all stay; storage stays bounded', async function () {
      this.timeout(120_000)
      const { accounts, prefix, clock } = build({ securityLog: { maxStrangerEntries: 50 } })
      const account = await accounts.createAccount({ email: 'flood@example.com', password: 'a fine passphrase', name: 'Flo' })
      for (let i = 0; i < 5; i++) {
        clock.advance(1000)
        await accounts.signIn(account.id, { ip: '198.51.100.1' })
      }
      // Real failed sign-ins, through the whole path (bcrypt included)…
      for (let i = 0; i < 60; i++) {
        await assert.rejects(accounts.signInWithPassword({ email: 'flood@example.com', password: `wrong guess ${i}` }, { ip: '203.0.113.9' }), AccountsError)
      }
      let sizeAfterFirst = 0
      if (redis) sizeAfterFirst = Number(await redis.memoryUsage(`${prefix}{a:${account.id}}:log:stranger`))
      // …then the bulk of the 10,000 straight into record(), concurrently, as a flood would land.
      const scope = { ip: '203.0.113.9', userAgent: 'curl/8.0', mode: 'default' as const }
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(Array.from({ length: 497 }, () => accounts.securityLog.record(account, SECURITY_EVENTS.signInFailed, scope)))
      }
      const page = await accounts.listLogs(account.id, ['{"method":"limit","values":[5000]}'])
      const failed = page.logs.filter((l) => l.event === SECURITY_EVENTS.signInFailed)
      assert.equal(failed.length, 50, 'the stranger lane holds exactly its cap')
      const own = page.logs.filter((l) => l.event !== SECURITY_EVENTS.signInFailed).map((l) => l.event)
      assert.deepEqual(own, [...Array(5).fill('session.create.server'), 'user.create'], 'nothing of the account’s own was pushed out')
      assert.equal(page.total, 56)
      if (redis) {
        const keys = await keysByPrefix(redis, prefix)
        assert.deepEqual(keys.filter((k) => k.includes(':log')).sort(), [`${prefix}{a:${account.id}}:log`, `${prefix}{a:${account.id}}:log:stranger`])
        assert.equal(Number(await redis.lLen(`${prefix}{a:${account.id}}:log:stranger`)), 50)
        const size = Number(await redis.memoryUsage(`${prefix}{a:${account.id}}:log:stranger`))
        assert.ok(size <= sizeAfterFirst * 1.5 + 4096, `the lane stays the size of its cap (${sizeAfterFirst} → ${size} bytes)`)
        assert.ok(Number(await redis.pTTL(`${prefix}{a:${account.id}}:log:stranger`)) <= 90 * 86_400_000, 'the lane expires with maxAge')
      }
    })

    it('failed sign-ins against unknown ids store nothing', async () => {
      const { accounts, prefix, store } = build()
      for (let i = 0; i < 50; i++) {
        await assert.rejects(accounts.passwordless.signInWithToken({ userId: `ghost${i}`, secret: '123456' }, { ip: '203.0.113.9' }), AccountsError)
        await assert.rejects(accounts.signInWithPassword({ email: `ghost${i}@example.com`, password: 'whatever guess' }), AccountsError)
      }
      assert.deepEqual(await store.listLogs('ghost1', { now: Date.now(), maxAgeMs: 1e12 }), [])
      if (redis) assert.deepEqual(await keysByPrefix(redis, prefix), [], 'not one key')
    })

    it('no entry of any logged flow holds a password, code, secret or token', async function () {
      this.timeout(60_000)
      const { accounts, prefix, clock } = build({ passwordPolicy: { history: 3 } })
      const secrets: string[] = []
      const keep = <T extends string>(s: T): T => {
        secrets.push(s)
        return s
      }
      const step = () => clock.advance(1000)
      const P1 = keep('first Passphrase 1')
      const P2 = keep('second Passphrase 2')
      const P3 = keep('third Passphrase 3')
      const P4 = keep('fourth Passphrase 4')
      const acct = await accounts.createAccount({ email: 'audit@example.com', password: P1, name: 'Audrey' })
      const id = acct.id
      step()
      await assert.rejects(accounts.signInWithPassword({ email: 'audit@example.com', password: keep('a wrong Guess 9') }))
      const s1 = await accounts.signInWithPassword({ email: 'audit@example.com', password: P1 })
      keep(s1.secret)
      keep(s1.value)
      keep(await accounts.jwts.create(s1.account, s1.session))
      const ver = await accounts.verification.sendEmail((await accounts.getAccount(id))!, { url: `${ORIGIN}/v` })
      await accounts.verification.confirmEmail({ userId: id, secret: keep(ver.secret) }, { trusted: true })
      step()
      await accounts.updatePassword(id, P2, P1, { keepSessionId: s1.session.id })
      await accounts.updateName(id, 'Audrey Two')
      await accounts.updatePrefs(id, { lang: 'en' })
      step()
      const code = await accounts.passwordless.sendEmailCode({ userId: id, email: 'audit@example.com' })
      keep(code.secret)
      await assert.rejects(accounts.passwordless.signInWithToken({ userId: id, secret: code.secret === '000000' ? '000001' : '000000' }))
      keep(accounts.tokens.hash(code.secret))
      keep((await accounts.passwordless.signInWithToken({ userId: id, secret: code.secret })).secret)
      const magic = await accounts.passwordless.sendMagicUrl({ userId: id, email: 'audit@example.com', url: `${ORIGIN}/m` })
      keep((await accounts.passwordless.signInWithToken({ userId: id, secret: keep(magic.secret) })).value)
      step()
      const rec = await accounts.recovery.request({ email: 'audit@example.com', url: `${ORIGIN}/r` })
      await assert.rejects(accounts.recovery.complete({ userId: id, secret: keep(rec.secret), password: P2 }), /similar to your previous password/)
      await accounts.recovery.complete({ userId: id, secret: rec.secret, password: P3 })
      step()
      const authenticator = await accounts.mfa.createAuthenticator((await accounts.getAccount(id))!)
      keep(authenticator.secret)
      for (const rc of await accounts.mfa.createRecoveryCodes((await accounts.getAccount(id))!)) keep(rc)
      await accounts.mfa.reset(id)
      const server = await accounts.passwordless.createServerToken(id)
      keep((await accounts.passwordless.signInWithToken({ userId: id, secret: keep(server.secret) })).secret)
      await accounts.updateEmail(id, 'audit2@example.com', P3)
      await accounts.blockAccount(id)
      await accounts.unblockAccount(id)
      await accounts.sessions.deleteAll(id)
      const anon = await accounts.signInAnonymously({ ip: '192.0.2.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' })
      keep(anon.secret)
      await accounts.updateEmail(anon.account.id, 'anon@example.com', P4)
      await accounts.sessions.delete(anon.account.id, anon.session.id)

      const entries = [
        ...(await accounts.listLogs(id, ['{"method":"limit","values":[5000]}'])).logs,
        ...(await accounts.listLogs(anon.account.id, ['{"method":"limit","values":[5000]}'])).logs,
      ]
      const events = new Set(entries.map((e) => e.event))
      for (const e of [
        'user.create', 'session.fail', 'session.create.email', 'jwt.create', 'user.update.password', 'user.update.name',
        'user.update.prefs', 'token.create', 'session.create.token', 'session.create.magic-url', 'recovery.create',
        'recovery.update', 'sessions.delete', 'verification.create', 'verification.update', 'user.update.mfa',
        'user.update.email', 'user.block', 'user.unblock', 'session.create.anonymous', 'session.delete',
      ]) assert.ok(events.has(e), `logged: ${e}`)
      const stored = [JSON.stringify(entries)]
      if (redis) stored.push(...(await dumpByPrefix(redis, prefix)).values.filter((v) => v.includes('"event"')))
      assert.ok(stored.join('').length > 1000)
      for (const text of stored) {
        for (const s of secrets) assert.ok(!text.includes(s), `a stored log entry contains a secret (${s.slice(0, 6)}…)`)
      }
    })
  })
}
