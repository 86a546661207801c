import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkSnippets, docFiles, extractSnippets } from '../../scripts/doc-snippets.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Every TypeScript snippet of README.md and docs/*.md type-checks as a consumer's code would:
 * strict, exactOptionalPropertyTypes, `express-accounts` imported as the package (its built
 * `dist/`, through the package's self-reference).
 */
describe('documentation snippets', function () {
  this.timeout(180_000)
  const snippets = docFiles().flatMap((file) => extractSnippets(file, readFileSync(file, 'utf8')))

  it('finds the snippets (README and docs/)', () => {
    assert.ok(snippets.length >= 25, `only ${snippets.length} snippets found`)
    assert.ok(snippets.some((s) => s.file.endsWith('docs/mounting.md') && s.checked))
  })

  it('marks only a few deliberately partial snippets `nocheck`', () => {
    const skipped = snippets.filter((s) => !s.checked).map((s) => `${s.file.slice(ROOT.length)}:${s.line}`)
    assert.ok(skipped.length <= 6, `too many nocheck snippets: ${skipped.join(', ')}`)
  })

  it('every checked snippet type-checks under the strict consumer config', function () {
    if (!existsSync(join(ROOT, 'dist/lib/index.d.ts'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)')
    const errors = checkSnippets(snippets)
    assert.deepEqual(errors, [])
  })

  it('the checker catches a wrong snippet (exactOptionalPropertyTypes on)', function () {
    const bad = extractSnippets(join(ROOT, 'bad.md'), [
      '```ts',
      "import { createAccounts } from 'express-accounts'",
      "const accounts = createAccounts({ secret: process.env.S, maxSessions: 'ten' })",
      '```',
    ].join('\n'))
    const errors = checkSnippets(bad)
    assert.equal(errors.length, 1)
    assert.match(errors[0], /^bad\.md:3: Type 'string' is not assignable to type 'number'/)
  })
})
