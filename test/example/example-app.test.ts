import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import request from 'supertest'
import { createExampleApp, type Example } from '../../example/app.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const API_KEY = 'example-test-key-0123456789'
const SECRET = 'example-test-secret-at-least-32-bytes!'
const PASSWORD = 'correct-horse-battery'

/** The `a_session_<project>=<value>` pair from a response's Set-Cookie, ready for a Cookie header. */
function sessionCookie(res: request.Response, project: string): string {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined
  const found = (raw ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith(`a_session_${project}=`))
  assert.ok(found, `no a_session_${project} cookie in ${JSON.stringify(raw)}`)
  return found
}

describe('example app (createExampleApp, MemoryStore)', function () {
  let example: Example
  const warnings: string[] = []
  let accountId: string
  let cookie: string
  const email = `example.${process.pid}.${Date.now()}@example.com`

  before(function () {
    example = createExampleApp({ ACCOUNTS_API_KEY: API_KEY, ACCOUNTS_SECRET: SECRET }, { warn: (m) => warnings.push(m) })
  })

  after(async function () {
    await example.accounts.store.close()
  })

  it('uses the defaults: project demo, MemoryStore, no warning when a secret is given', function () {
    assert.equal(example.accounts.options.project, 'demo')
    assert.equal(example.storeName, 'MemoryStore')
    assert.deepEqual(warnings, [])
  })

  it('GET / explains the SDK endpoint and project id', async function () {
    const res = await request(example.app).get('/').expect(200).expect('Content-Type', /text\/html/)
    assert.match(res.text, /setEndpoint\('http:\/\/127\.0\.0\.1:\d+\/v1'\)/)
    assert.match(res.text, /setProject\('demo'\)/)
    assert.ok(!res.text.includes(API_KEY), 'the page must not show the API key')
  })

  it('signs up through the router at /v1', async function () {
    const res = await request(example.app)
      .post('/v1/account')
      .set('X-Appwrite-Project', 'demo')
      .send({ userId: 'unique()', email, password: PASSWORD, name: 'Example User' })
      .expect(201)
    assert.equal(res.body.email, email)
    accountId = res.body.$id
  })

  it('signs in with X-Appwrite-Key: the key caller gets the secret, the browser gets the cookie', async function () {
    const res = await request(example.app)
      .post('/v1/account/sessions/email')
      .set('X-Appwrite-Project', 'demo')
      .set('X-Appwrite-Key', API_KEY)
      .send({ email, password: PASSWORD })
      .expect(201)
    assert.equal(res.body.userId, accountId)
    assert.ok(res.body.secret.length > 0)
    cookie = sessionCookie(res, 'demo')
  })

  it('GET /api/me with the session cookie → 200 with the account', async function () {
    const res = await request(example.app).get('/api/me').set('Cookie', cookie).expect(200)
    assert.equal(res.body.$id, accountId)
    assert.equal(res.body.email, email)
    assert.equal(res.body.name, 'Example User')
    assert.equal(res.body.passwordHash, undefined)
  })

  it('GET /api/me without a session → 401 Appwrite-shaped JSON', async function () {
    const res = await request(example.app).get('/api/me').expect(401).expect('Content-Type', /application\/json/)
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'type', 'version'])
    assert.equal(res.body.code, 401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('GET /api/me with a forged session → 401', async function () {
    const forged = Buffer.from(JSON.stringify({ id: accountId, secret: 'f'.repeat(64) })).toString('base64')
    const res = await request(example.app).get('/api/me').set('Cookie', `a_session_demo=${encodeURIComponent(forged)}`).expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })

  it('a wrong X-Appwrite-Key is refused', async function () {
    const res = await request(example.app)
      .post('/v1/account/sessions/email')
      .set('X-Appwrite-Key', 'not-the-example-key-at-all')
      .send({ email, password: PASSWORD })
      .expect(401)
    assert.equal(res.body.type, 'general_unauthorized_scope')
  })
})

describe('example app configuration (environment)', function () {
  it('without ACCOUNTS_SECRET: a random secret and one warning', async function () {
    const warnings: string[] = []
    const example = createExampleApp({}, { warn: (m) => warnings.push(m) })
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /ACCOUNTS_SECRET is not set/)
    assert.ok(example.accounts.options.secret.length >= 32)
    assert.deepEqual(example.accounts.options.apiKeys, [])
    await example.accounts.store.close()
  })

  it('ACCOUNTS_PROJECT names the project and the cookie', async function () {
    const example = createExampleApp({ ACCOUNTS_PROJECT: 'shop', ACCOUNTS_SECRET: SECRET })
    assert.equal(example.accounts.options.project, 'shop')
    const res = await request(example.app).get('/v1/account').set('X-Appwrite-Project', 'other').expect(404)
    assert.equal(res.body.type, 'project_not_found')
    await example.accounts.store.close()
  })

  it('REDIS_URL selects RedisStore (connects lazily, so nothing is contacted here)', async function () {
    const example = createExampleApp({ REDIS_URL: 'redis://127.0.0.1:1', ACCOUNTS_SECRET: SECRET })
    assert.equal(example.storeName, 'RedisStore')
    assert.equal(example.accounts.store.constructor.name, 'RedisStore')
    await example.accounts.store.close()
  })

  it('a short ACCOUNTS_API_KEY fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_API_KEY: 'short', ACCOUNTS_SECRET: SECRET }), {
      name: 'ExampleConfigError',
      message: /^ACCOUNTS_API_KEY must be at least 16 characters \(it has 5\)/,
    })
  })

  it('a short ACCOUNTS_SECRET fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_SECRET: 'too-short' }), { name: 'ExampleConfigError', message: /^ACCOUNTS_SECRET must be at least 32 bytes/ })
  })

  it('an invalid ACCOUNTS_PROJECT fails with a message naming the variable', function () {
    assert.throws(() => createExampleApp({ ACCOUNTS_PROJECT: 'no spaces', ACCOUNTS_SECRET: SECRET }), { name: 'ExampleConfigError', message: /^ACCOUNTS_PROJECT must be/ })
  })

  it('NODE_ENV=production without ACCOUNTS_SECRET fails instead of inventing one', function () {
    assert.throws(() => createExampleApp({ NODE_ENV: 'production' }), { name: 'ExampleConfigError', message: /ACCOUNTS_SECRET is required/ })
  })
})

describe('npm start (npx tsx example/server.ts)', function () {
  this.timeout(60_000)
  let child: ChildProcess | undefined
  let output = ''

  /** Starts the server on a free port (PORT=0) and resolves with the origin it prints. */
  async function start(extraEnv: Record<string, string>): Promise<string> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ACCOUNTS_PROJECT: '', ACCOUNTS_API_KEY: '', ACCOUNTS_SECRET: SECRET, REDIS_URL: '', ...extraEnv }
    output = ''
    // Its own process group, so the kill below reaches npx, tsx and the node it starts.
    child = spawn('npx', ['tsx', 'example/server.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    const proc = child
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    const deadline = Date.now() + 45_000
    while (Date.now() < deadline) {
      const m = /listening on (http:\/\/localhost:\d+)/.exec(output)
      if (m) return m[1]
      if (proc.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`example server did not start:\n${output}`)
  }

  /** SIGTERM to the group; resolves with the server's output once it has exited. */
  async function stop(): Promise<string> {
    const proc = child
    child = undefined
    if (!proc?.pid || proc.exitCode !== null) return output
    const exited = once(proc, 'exit')
    process.kill(-proc.pid, 'SIGTERM')
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 15_000)
    await exited
    clearTimeout(timer)
    return output
  }

  afterEach(async function () {
    await stop()
  })

  it('serves /v1/account: a guest gets 401 general_unauthorized_scope JSON, and SIGTERM closes it', async function () {
    const origin = await start({})
    const res = await fetch(`${origin}/v1/account`, { headers: { 'X-Appwrite-Project': 'demo' } })
    assert.equal(res.status, 401)
    assert.match(res.headers.get('content-type') ?? '', /application\/json/)
    const body = (await res.json()) as { type: string; code: number }
    assert.equal(body.type, 'general_unauthorized_scope')
    assert.equal(body.code, 401)
    assert.match(output, /store +MemoryStore/)
    const log = await stop()
    assert.match(log, /SIGTERM received, closing/)
    assert.match(log, /example: closed/)
  })

  it('with REDIS_URL it runs on RedisStore', async function () {
    const url = process.env.REDIS_URL
    if (!url) {
      if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but no Redis is available')
      this.skip()
    }
    const origin = await start({ REDIS_URL: url, ACCOUNTS_PROJECT: 'example-redis' })
    // A well-formed but unknown session makes the server read Redis (one MGET) and answer as to a guest.
    const forged = Buffer.from(JSON.stringify({ id: 'nobody', secret: 'f'.repeat(64) })).toString('base64')
    const res = await fetch(`${origin}/v1/account`, { headers: { 'X-Appwrite-Project': 'example-redis', 'X-Appwrite-Session': forged } })
    assert.equal(res.status, 401)
    assert.equal(((await res.json()) as { type: string }).type, 'general_unauthorized_scope')
    assert.match(output, /store +RedisStore/)
    assert.match(await stop(), /example: closed/)
  })

  it('a short ACCOUNTS_API_KEY stops the boot with one clear line', async function () {
    const proc = spawn('npx', ['tsx', 'example/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', ACCOUNTS_API_KEY: 'short', ACCOUNTS_SECRET: SECRET, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const [code] = (await once(proc, 'exit')) as [number | null]
    assert.equal(code, 1)
    assert.match(err, /example: ACCOUNTS_API_KEY must be at least 16 characters/)
    assert.doesNotMatch(err, /\n\s+at /, 'no stack trace')
  })
})
