import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SECRET = 'example-secret-example-secret-0123456789'

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

async function boot(env: Record<string, string>): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now()
  const proc = spawn('npx', ['tsx', 'example/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ACCOUNTS_API_KEY: '', ACCOUNTS_SECRET: SECRET, TRUST_PROXY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const [code] = (await once(proc, 'exit')) as [number | null]
  return { code, out, ms: Date.now() - started }
}

/** A wrong REDIS_URL fails the boot, naming the URL (password redacted) and the reason. */
describe('npm start with a wrong REDIS_URL fails at boot', function () {
  this.timeout(60_000)

  it('nothing listening there: exits 1 before listening, with the redacted URL and the error', async function () {
    const port = await closedPort()
    const { code, out } = await boot({ REDIS_URL: `redis://:hunter2-password@127.0.0.1:${port}` })
    assert.equal(code, 1, out)
    assert.match(out, new RegExp(`example: RedisStore: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/?: .*ECONNREFUSED.* \\(check REDIS_URL\\)`))
    assert.doesNotMatch(out, /hunter2-password/, 'the password is never printed')
    assert.doesNotMatch(out, /listening on/, 'it never starts serving')
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace')
  })

  it('not a Redis URL: one configuration line naming REDIS_URL', async function () {
    const { code, out } = await boot({ REDIS_URL: 'http://user:hunter2-password@db:6379' })
    assert.equal(code, 1, out)
    assert.match(out, /example: REDIS_URL: RedisStore: options\.url http:\/\/user:\*\*\*@db:6379\/ is not a Redis URL/)
    assert.doesNotMatch(out, /hunter2-password/)
    assert.doesNotMatch(out, /\n\s+at /, 'no stack trace')
  })
})
