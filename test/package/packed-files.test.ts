import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** What `npm pack` would ship (`--ignore-scripts`: the dist/ that `npm test` just built). */
describe('the packed package', function () {
  this.timeout(60_000)
  let files: string[]
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    license: string; scripts: Record<string, string>; files: string[]; exports: Record<string, { types: string; default: string } | string>
  }

  before(async function () {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT })
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path)
  })

  it('ships the MIT LICENSE that package.json names', () => {
    assert.equal(pkg.license, 'MIT')
    assert.ok(files.includes('LICENSE'))
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8')
    assert.match(license, /^MIT License\n\nCopyright \(c\) express-accounts contributors\n/)
  })

  it('ships no source map pointing at sources it does not ship', () => {
    // The build has no maps (tsconfig.build.json sourceMap: false): no .map may point at .ts files absent from the tarball.
    const maps = files.filter((f) => f.endsWith('.map'))
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] }
      for (const source of sources) {
        const path = join(map, '..', source).slice(ROOT.length)
        assert.ok(files.includes(path), `${map} points at ${source}, which is not packed`)
      }
    }
    assert.deepEqual(maps, [])
  })

  it('ships the code and types of every export, and the docs the README links', () => {
    for (const target of Object.values(pkg.exports)) {
      if (typeof target === 'string') continue
      for (const path of [target.types, target.default]) assert.ok(files.includes(path.replace(/^\.\//, '')), `${path} is not packed`)
    }
    for (const doc of ['docs/README.md', 'docs/store.md', 'docs/production.md', 'README.md', 'CHANGELOG.md']) assert.ok(files.includes(doc), `${doc} is not packed`)
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('example/') || f.startsWith('bench/')))
  })

  it('has no install-time script that needs dev dependencies (no prepare / install / postinstall)', () => {
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[hook], undefined, `scripts.${hook}`)
    assert.equal(pkg.scripts.prepack, 'npm run build', '`npm pack` / `npm publish` build dist/ first')
  })
})
