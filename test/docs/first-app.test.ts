import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const run = promisify(execFile)

/** The README's "first app": its `server.js` block and the curl lines that follow it. */
function readmeFirstApp(): { code: string; curls: string[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Your first app'))
  const code = /`server\.js`:\n\n```js\n([\s\S]*?)```/.exec(section)?.[1]
  const shell = /second terminal[\s\S]*?```sh\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(code && shell, 'README: the first app section lost its server.js or curl block')
  return { code, curls: shell.split('\n').filter((l) => l.startsWith('curl ')) }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

/**
 * A newcomer's first five minutes, as the README tells them: a folder with `"type": "module"`,
 * the package installed (here: linked, as `npm install <folder>` does), `node server.js`, and
 * the three curl lines (sign up, sign in, GET /v1/account with the cookie) run as written, on a
 * free port instead of 3000.
 */
describe('README first app (written to a temp dir, started, curled)', function () {
  this.timeout(60_000)
  let dir: string
  let child: ChildProcess | undefined
  let port: number
  let output = ''

  before(async function () {
    if (!existsSync(join(ROOT, 'dist/lib/index.js'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)')
    const { code } = readmeFirstApp()
    assert.ok(code.split('\n').filter(Boolean).length <= 16, 'the first app should stay about 15 lines')
    dir = await mkdtemp(join(tmpdir(), 'express-accounts-first-app-'))
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'first-app', private: true, type: 'module' }))
    await writeFile(join(dir, 'server.js'), code)
    await mkdir(join(dir, 'node_modules'))
    await symlink(ROOT, join(dir, 'node_modules', 'express-accounts'), 'dir')
    await symlink(join(ROOT, 'node_modules', 'express'), join(dir, 'node_modules', 'express'), 'dir')
    port = await freePort()
    child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { ...process.env, PORT: String(port), NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (d) => { output += d })
    child.stderr!.on('data', (d) => { output += d })
    const deadline = Date.now() + 20_000
    while (!output.includes(`listening on http://localhost:${port}`)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server.js did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  })

  after(async function () {
    child?.kill('SIGTERM')
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('the three curl lines sign up, sign in and read the account with the session cookie', async function () {
    const { curls } = readmeFirstApp()
    assert.equal(curls.length, 3)
    const answers: unknown[] = []
    for (const line of curls) {
      const { stdout } = await run('sh', ['-c', line.replaceAll('localhost:3000', `localhost:${port}`)], { cwd: dir })
      answers.push(JSON.parse(stdout))
    }
    const [created, session, me] = answers as Array<Record<string, unknown>>
    assert.equal(created.email, 'ada@example.com')
    assert.equal(session.userId, created.$id)
    assert.equal(me.$id, created.$id)
    assert.equal(me.email, 'ada@example.com')
    assert.equal('password' in me || 'passwordHash' in me, false)
  })

  it("the app's own route answers with the cookie, and 401 without it", async function () {
    const withCookie = await run('curl', ['-s', `localhost:${port}/me`, '-b', 'cookies.txt'], { cwd: dir })
    assert.equal((JSON.parse(withCookie.stdout) as { email: string }).email, 'ada@example.com')
    const guest = await run('curl', ['-s', `localhost:${port}/v1/account`], { cwd: dir })
    assert.equal((JSON.parse(guest.stdout) as { code: number; type: string }).type, 'general_unauthorized_scope')
  })

  it('says, once, that the secret is a random one (the README says so too)', () => {
    assert.match(output, /EXPRESS_ACCOUNTS_RANDOM_SECRET/)
  })
})
