import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * `npm run docs` (TypeDoc, typedoc.json: warnings are errors, every export documented) takes
 * ~20-40 s, too long to add to `npm test`'s script; this runs its validation without writing
 * the HTML (`--emit none`), so an undocumented export or a broken `{@link}` fails the suite.
 */
describe('API reference (typedoc)', function () {
  this.timeout(180_000)

  it('builds with zero warnings: every public export has TSDoc', async () => {
    const { stdout, stderr } = await run('npx', ['typedoc', '--emit', 'none'], { cwd: ROOT }).catch((err: { stdout: string; stderr: string }) => {
      assert.fail(`typedoc failed:\n${err.stdout}\n${err.stderr}`)
    })
    assert.doesNotMatch(`${stdout}${stderr}`, /warning|error/i)
  })
})
