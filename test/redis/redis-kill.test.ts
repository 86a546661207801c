/**
 * Deliver 2 of issue 9: Redis is SIGKILLed under a steady load of mixed requests through real
 * HTTP, then restarted from its AOF. During the outage and the reconnect the app answers only
 * what it should (2xx, or 503 with Retry-After and an Appwrite body: never 500, never a hang
 * past the store timeout); afterwards it serves again without a restart, nothing it
 * acknowledged is lost, and no sign-up it failed leaves the email blocked.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import express from 'express'
import passport from 'passport'
import { createAccounts, RedisStore, type ExpressAccounts } from '../../lib/index.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { API_KEY, PROJECT, SECRET } from '../support/app.js'
import { startRedisServer, type RedisServer } from '../support/redis-server.js'
import { requireRedisOrSkip } from '../support/redis.js'

/** Seconds: the store deadline the app runs with. */
const STORE_TIMEOUT = 1
/** A request still open this long after the store deadline counts as a hang (the CPU is shared with other suites). */
const HANG_MS = STORE_TIMEOUT * 1000 + 2500
const WORKERS = 4
const PASSWORD = 'crash-test-passphrase'

interface Answer { op: string; status: number; retryAfter: string | null; body: Record<string, unknown> | null }
interface Account { email: string; value: string | null }

describe('Redis killed under load (AOF on), restarted without restarting the app', function () {
  this.timeout(60_000)
  let dir: string
  let redis: RedisServer
  let store: RedisStore
  let accounts: ExpressAccounts
  let server: Server
  let base: string

  before(async function () {
    requireRedisOrSkip(this)
    dir = mkdtempSync(join(tmpdir(), 'acc-kill-'))
    // everysec: a killed process loses nothing it answered (the AOF write() precedes every
    // reply; only an OS crash could lose the last second, which this test can't cause).
    redis = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir])
    store = new RedisStore({ url: redis.url })
    accounts = createAccounts({ store, project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, storeTimeout: STORE_TIMEOUT, maxSessions: 0 }) // unlimited: no acknowledged session is evicted by a later sign-in
    const pp = new passport.Passport()
    pp.use(new PasswordStrategy({ accounts }))
    const app = express()
    app.use('/v1', accounts.router())
    app.get('/api/me', accounts.requireSession(), (req, res) => { res.json({ id: req.account!.$id }) })
    app.post('/passport/sign-in', express.json(), pp.authenticate('password', { session: false }), (req, res) => {
      res.json({ id: req.account!.$id })
    })
    app.use(accounts.errorHandler())
    server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  after(async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await store?.close()
    await redis?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** One request; a hang past HANG_MS is recorded as status -1. */
  async function call(op: string, method: string, path: string, o: { body?: unknown; session?: string; key?: boolean } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-appwrite-project': PROJECT }
    if (o.session) headers['x-appwrite-session'] = o.session
    if (o.key) headers['x-appwrite-key'] = API_KEY
    try {
      const res = await fetch(base + path, {
        method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(HANG_MS),
      })
      const text = await res.text()
      let body: Record<string, unknown> | null = null
      try { body = JSON.parse(text) as Record<string, unknown> } catch { body = null }
      return { op, status: res.status, retryAfter: res.headers.get('retry-after'), body }
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') return { op, status: -1, retryAfter: null, body: null }
      throw err
    }
  }

  it('answers only 2xx or 503 + Retry-After meanwhile, serves again, and loses nothing it acknowledged', async () => {
    const answers: Answer[] = []
    const acknowledged: Account[] = []
    const failedSignUps: string[] = []
    let n = 0
    let stop = false

    async function worker(w: number): Promise<void> {
      for (let i = 0; !stop; i++) {
        const mine = acknowledged.filter((a) => a.value !== null)
        const someone = mine.length ? mine[(i * 7 + w) % mine.length]! : null
        const step = (i + w) % 6
        if (step === 0 || acknowledged.length === 0) {
          const email = `kill.${w}.${++n}.${Date.now()}@example.com`
          const r = await call('sign-up', 'POST', '/v1/account', { body: { userId: 'unique()', email, password: PASSWORD } })
          answers.push(r)
          if (r.status === 201) acknowledged.push({ email, value: null })
          else failedSignUps.push(email)
        } else if (step === 1 || !someone) {
          const target = acknowledged[(i * 5 + w) % acknowledged.length]!
          const r = await call('sign-in', 'POST', '/v1/account/sessions/email', { key: true, body: { email: target.email, password: PASSWORD } })
          answers.push(r)
          if (r.status === 201) target.value = r.body!.secret as string
        } else if (step === 2) {
          answers.push(await call('get-account', 'GET', '/v1/account', { session: someone.value! }))
        } else if (step === 3) {
          answers.push(await call('update-name', 'PATCH', '/v1/account/name', { session: someone.value!, body: { name: `n${i}` } }))
        } else if (step === 4) {
          answers.push(await call('require-session', 'GET', '/api/me', { session: someone.value! }))
        } else {
          answers.push(await call('passport', 'POST', '/passport/sign-in', { body: { email: someone.email, password: PASSWORD } }))
        }
      }
    }

    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    // Warm up until every kind of request has run against a live store (bounded).
    const warm = Date.now() + 10_000
    while (acknowledged.filter((a) => a.value !== null).length < 3 || new Set(answers.map((a) => a.op)).size < 6) {
      assert.ok(Date.now() < warm, 'the load did not warm up within 10 s')
      await sleep(50)
    }
    const before = answers.length
    await redis.stop() // SIGKILL: no shutdown save, exactly a crash
    await sleep(1200)
    const outage = answers.slice(before)
    redis = await redis.restart() // reloads the AOF
    // Recovered without restarting the app: a probe gets 200 again within a bounded time.
    const probe = acknowledged.find((a) => a.value !== null)!
    const deadline = Date.now() + 15_000
    for (;;) {
      const r = await call('probe', 'GET', '/v1/account', { session: probe.value! })
      if (r.status === 200) break
      assert.ok(Date.now() < deadline, `no 200 within 15 s of the restart (last: ${r.status} ${JSON.stringify(r.body)})`)
      await sleep(100)
    }
    await sleep(800) // load keeps running on the recovered store
    stop = true
    await load

    // Only expected answers, throughout.
    const expected: Record<string, number[]> = {
      'sign-up': [201], 'sign-in': [201], 'get-account': [200], 'update-name': [200], 'require-session': [200], passport: [200],
    }
    for (const a of answers) {
      assert.notEqual(a.status, -1, `${a.op} hung past the store timeout`)
      if (a.status === 503) {
        assert.ok(a.retryAfter !== null && Number(a.retryAfter) > 0, `${a.op} 503 without Retry-After`)
        assert.deepEqual(Object.keys(a.body ?? {}).sort(), ['code', 'message', 'type', 'version'], `${a.op} 503 body ${JSON.stringify(a.body)}`)
        assert.match(a.body!.type as string, /^store_(unavailable|timeout|contention)$/)
      } else {
        assert.ok(expected[a.op]!.includes(a.status), `${a.op} answered ${a.status} ${JSON.stringify(a.body)}`)
      }
    }
    assert.ok(outage.some((a) => a.status === 503), 'the outage was seen')
    const ops = new Set(answers.filter((a) => a.status === 503).map((a) => a.op))
    for (const op of ['get-account', 'require-session', 'passport']) assert.ok(ops.has(op), `${op} answered 503 during the outage`)
    assert.ok(answers.slice(-WORKERS * 3).some((a) => a.status >= 200 && a.status < 300), '2xx again after the restart')

    // Nothing acknowledged is lost: every 201 account signs in, every 201 session still works.
    for (const a of acknowledged) {
      const s = await call('check', 'POST', '/v1/account/sessions/email', { key: true, body: { email: a.email, password: PASSWORD } })
      assert.equal(s.status, 201, `${a.email} lost: ${JSON.stringify(s.body)}`)
      if (a.value) assert.equal((await call('check', 'GET', '/v1/account', { session: a.value })).status, 200)
    }

    // No half-written account: a sign-up that failed leaves its email free (201 on retry), or it
    // landed before the reply was lost (409, and then it signs in with that password).
    assert.ok(failedSignUps.length > 0, 'some sign-ups failed during the outage')
    for (const email of failedSignUps) {
      let r: Answer
      const until = Date.now() + 15_000
      for (;;) {
        r = await call('retry', 'POST', '/v1/account', { body: { userId: 'unique()', email, password: PASSWORD } })
        if (r.status !== 503) break
        assert.ok(Date.now() < until, `${email} still 503 after 15 s`)
        await sleep(Number(r.retryAfter) * 1000)
      }
      assert.ok(r.status === 201 || r.status === 409, `retry of ${email}: ${r.status} ${JSON.stringify(r.body)}`)
      const s = await call('check', 'POST', '/v1/account/sessions/email', { key: true, body: { email, password: PASSWORD } })
      assert.equal(s.status, 201, `${email} after retry (${r.status}) does not sign in`)
    }
  })
})
