import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface ExportTarget {
  types: string
  default: string
}

/**
 * The package as another project sees it after `npm install <this folder>`: a symlink in its
 * node_modules, resolved through package.json `exports` to the built `dist/`, run by plain
 * `node` (no tsx) and type-checked by `tsc` with NodeNext resolution.
 */
describe('package surface (express-accounts installed in another project)', function () {
  this.timeout(60_000)
  let dir: string
  let exportsMap: Record<string, ExportTarget | string>

  before(async function () {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: typeof exportsMap }
    exportsMap = pkg.exports
    if (!existsSync(join(ROOT, 'dist/lib/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)')
    }
    dir = await mkdtemp(join(tmpdir(), 'express-accounts-surface-'))
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'surface-check', private: true, type: 'module' }))
    await mkdir(join(dir, 'node_modules'))
    // What `npm install <folder>` does: a link to the folder, whose own node_modules then resolve.
    await symlink(ROOT, join(dir, 'node_modules', 'express-accounts'), 'dir')
  })

  after(async function () {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  for (const entry of ['.', './strategies', './testing']) {
    it(`exports "${entry}" with existing types and code files`, function () {
      const target = exportsMap[entry]
      assert.ok(target && typeof target === 'object', `package.json exports["${entry}"] must be an object`)
      for (const condition of ['types', 'default'] as const) {
        assert.ok(target[condition], `exports["${entry}"].${condition} is missing`)
        assert.ok(existsSync(join(ROOT, target[condition])), `exports["${entry}"].${condition} → ${target[condition]} does not exist`)
      }
    })
  }

  it('imports and works under plain node: create an account, sign in, resolve the session', async function () {
    const script = `
import assert from 'node:assert/strict'
import { createAccounts, MemoryStore, RedisStore, AccountsError, decodeSessionValue } from 'express-accounts'
import * as strategies from 'express-accounts/strategies'

assert.equal(typeof RedisStore, 'function')
assert.equal(typeof strategies, 'object')

const accounts = createAccounts({ store: new MemoryStore(), project: 'surface', secret: 's'.repeat(32), bcryptCost: 4 })
assert.equal(typeof accounts.router(), 'function')
assert.equal(typeof accounts.requireSession(), 'function')

const account = await accounts.createAccount({ email: 'Ada@Example.com', password: 'correct horse battery', name: 'Ada' })
const signIn = await accounts.signInWithPassword({ email: 'ada@example.com', password: 'correct horse battery' })
const resolved = await accounts.sessions.resolve(decodeSessionValue(signIn.value))
assert.equal(resolved.account.id, account.id)

await assert.rejects(
  accounts.signInWithPassword({ email: 'ada@example.com', password: 'wrong password!' }),
  (err) => err instanceof AccountsError && err.type === 'user_invalid_credentials' && err.code === 401,
)
await accounts.store.close()
console.log(JSON.stringify({ email: account.email, sessionUser: signIn.session.accountId === account.id, strategies: Object.keys(strategies) }))
`
    await writeFile(join(dir, 'check.mjs'), script)
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } })
    assert.deepEqual(JSON.parse(stdout.trim()), {
      email: 'ada@example.com',
      sessionUser: true,
      strategies: ['AccountsStrategy', 'AnonymousStrategy', 'EmailOtpStrategy', 'JwtStrategy', 'MagicLinkStrategy', 'OAuth2Strategy', 'OtpStrategy', 'PasswordStrategy', 'PhoneOtpStrategy'],
    })
  })

  it('type-checks from a TypeScript project (NodeNext resolution through exports → .d.ts)', async function () {
    const source = `
import { createAccounts, MemoryStore, RedisStore, type AccountsOptions, type ExpressAccounts, type Store, type AccountModel } from 'express-accounts'
import * as strategies from 'express-accounts/strategies'
// No @types/mocha here (types: []): the testing entry's declarations must not need them.
import { storeContract, makeAccount, type StoreContractOptions } from 'express-accounts/testing'

const options: AccountsOptions = { store: new MemoryStore(), project: 'surface', apiKeys: ['a-server-key-of-16+'] }
const accounts: ExpressAccounts = createAccounts(options)
const store: Store = new RedisStore({ url: 'redis://127.0.0.1:6390', prefix: 'acc:' })
const model: Promise<AccountModel | null> = accounts.getAccount('x').then(() => null)
accounts.requireSession({ redirectTo: '/login' })
// Importing the package augments Express' Request with what requireSession() sets.
type GuardedRequest = Parameters<ReturnType<ExpressAccounts['requireSession']>>[0]
const email = (req: GuardedRequest): string | undefined => req.account?.email
const sessionId = (req: GuardedRequest): string | undefined => req.accountSession?.$id
const contractOptions: StoreContractOptions = { cleanup: async (s: Store) => { await s.getAccount(makeAccount().id) } }
const declareContract = (): void => storeContract('MemoryStore', () => new MemoryStore(), contractOptions)
void [store, model, strategies, email, sessionId, declareContract]
`
    await writeFile(join(dir, 'check.ts'), source)
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['check.ts'],
      }),
    )
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir })
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string }
      assert.fail(`tsc failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
  })
})
