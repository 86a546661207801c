import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Run { code: number; stdout: string; stderr: string }

/** Runs a command to completion and answers its exit code and output, failing or not. */
function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err)
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr })
    })
  })
}

interface MochaJson {
  stats: { tests: number; passes: number; failures: number; pending: number }
  passes: { fullTitle: string }[]
  failures: { fullTitle: string }[]
}

// What a store author does: install the published package (here the tarball `npm pack`
// makes, so only what `files` ships is there), write a spec that calls the exported suite, and
// run their own mocha. Dependencies come from our node_modules by symlink: no network.
const SPEC = `
import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'
import { MemoryStore, RedisStore } from 'express-accounts'
import { storeContract } from 'express-accounts/testing'

storeContract('MemoryStore', () => new MemoryStore())

// The production store too, on the harness' Redis: each test under a prefix of its own,
// deleted afterwards.
const url = process.env.REDIS_URL
if (url) {
  const client = createClient({ url })
  await client.connect()
  after(() => client.close())
  const prefixes = new Map()
  storeContract('RedisStore', () => {
    const prefix = 'pkg:' + randomBytes(6).toString('hex') + ':'
    const store = new RedisStore({ url, prefix })
    prefixes.set(store, prefix)
    return store
  }, {
    cleanup: async (store) => {
      for await (const keys of client.scanIterator({ MATCH: prefixes.get(store) + '*', COUNT: 500 })) {
        for (const key of keys) await client.unlink(key)
      }
    },
  })
}

// takeOnce never deletes: the suite must catch it, or its assertions prove nothing.
class LeakyStore extends MemoryStore {
  async takeOnce(key) {
    const value = await super.takeOnce(key)
    if (value !== null) await this.putOnce(key, value, 60_000)
    return value
  }
}
storeContract('LeakyStore', () => new LeakyStore())
`

describe('express-accounts/testing from the packed package', function () {
  this.timeout(120_000)
  let dir: string

  before(async function () {
    if (!existsSync(join(ROOT, 'dist/lib/testing/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)')
    }
    dir = await mkdtemp(join(tmpdir(), 'express-accounts-testing-'))
  })

  after(async function () {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('runs the Store contract suite against MemoryStore and RedisStore in a fresh project, and catches a broken store', async function () {
    const withRedis = Boolean(process.env.REDIS_URL)
    if (!withRedis && process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but no Redis is available')
    const packed = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], ROOT)
    assert.equal(packed.code, 0, packed.stderr)
    const tarball = join(dir, packed.stdout.trim().split('\n').pop()!)

    const project = join(dir, 'project')
    const modules = join(project, 'node_modules')
    await mkdir(modules, { recursive: true })
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-store', private: true, type: 'module' }))
    const untar = await run('tar', ['-xzf', tarball, '-C', modules], dir)
    assert.equal(untar.code, 0, untar.stderr)
    await rename(join(modules, 'package'), join(modules, 'express-accounts'))
    for (const entry of await readdir(join(ROOT, 'node_modules'))) {
      if (entry.startsWith('.') || entry === 'express-accounts') continue
      await symlink(join(ROOT, 'node_modules', entry), join(modules, entry), 'dir')
    }
    assert.ok(existsSync(join(modules, 'express-accounts', 'docs', 'store.md')), 'the package ships docs/store.md')
    await writeFile(join(project, 'store.spec.mjs'), SPEC)

    const mocha = join(modules, 'mocha', 'bin', 'mocha.js')
    const result = await run(process.execPath, [mocha, '--reporter', 'json', '--timeout', '10000', '--exit', 'store.spec.mjs'], project)
    let report: MochaJson
    try {
      report = JSON.parse(result.stdout) as MochaJson
    } catch {
      assert.fail(`mocha did not print a JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
    }
    const of = (list: { fullTitle: string }[], store: string) => list.filter((t) => t.fullTitle.startsWith(`Store contract: ${store} `))

    const memoryPasses = of(report.passes, 'MemoryStore')
    assert.deepEqual(of(report.failures, 'MemoryStore').map((t) => t.fullTitle), [])
    assert.ok(memoryPasses.length >= 40, `only ${memoryPasses.length} MemoryStore tests ran`)
    assert.equal(report.stats.pending, 0)
    if (withRedis) {
      assert.deepEqual(of(report.failures, 'RedisStore').map((t) => t.fullTitle), [])
      assert.equal(of(report.passes, 'RedisStore').length, memoryPasses.length, 'RedisStore runs the whole suite')
    }
    assert.equal(report.stats.tests, (withRedis ? 3 : 2) * memoryPasses.length, 'every store runs the whole suite')

    const leaky = of(report.failures, 'LeakyStore').map((t) => t.fullTitle)
    assert.ok(leaky.includes('Store contract: LeakyStore single-use values returns a value once, then null'), leaky.join('\n'))
    for (const title of leaky) assert.match(title, /^Store contract: LeakyStore single-use values /, 'only the broken method fails')
    assert.equal(result.code, leaky.length, 'mocha exits with the number of failed tests')

    // Outside mocha the suite cannot declare its tests: it says so instead of doing nothing.
    const outside = await run(process.execPath, ['--input-type=module', '-e', `
      import { storeContract } from 'express-accounts/testing'
      import { MemoryStore } from 'express-accounts'
      try { storeContract('x', () => new MemoryStore()) } catch (err) { console.log(err.constructor.name + ': ' + err.message) }`], project)
    assert.equal(outside.stdout.trim(), 'TypeError: storeContract() must be called from a spec file that mocha loads: the global describe, it, beforeEach, afterEach are missing')
  })
})
