import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Accounts } from '../accounts.js'
import { createAccounts } from '../express-accounts.js'
import { randomBytes } from 'node:crypto'
import { RedisStore } from '../store/redis-store.js'
import { migrateUsers } from './migrate.js'
import { progressLine } from './progress.js'

const USAGE = `Usage: express-accounts migrate --from <endpoint> --project <id> --key <api key> (--redis <url> [--prefix <p>] | --config <module>) [--cursor <file>] [--dry-run]

  --from      the source's API endpoint, e.g. https://cloud.appwrite.io/v1
  --project   the source project id
  --key       a source API key with the users.read scope
  --redis     write into a RedisStore at this URL (key prefix: --prefix, default RedisStore's "acc:")
  --config    or a module whose default export (or "accounts" export) is your Accounts instance
  --cursor    progress file to resume from (default .express-accounts-migrate.json)
  --dry-run   read and check everything, write nothing
`

/** `express-accounts <command> …`; resolves with the exit code. */
export async function main(argv: string[], out: NodeJS.WriteStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv
  if (command !== 'migrate') {
    out.write(USAGE)
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2
  }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: rest,
      options: {
        from: { type: 'string' }, project: { type: 'string' }, key: { type: 'string' },
        redis: { type: 'string' }, prefix: { type: 'string' }, config: { type: 'string' },
        cursor: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'page-size': { type: 'string' },
      },
      strict: true,
    }).values
  } catch (err) {
    out.write(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const { from, project, key } = values as Record<string, string | undefined>
  const dryRun = values['dry-run'] === true
  if (!from || !project || !key) {
    out.write(`--from, --project and --key are required\n${USAGE}`)
    return 2
  }
  if (!dryRun && !values.redis === !values.config) {
    out.write(`give exactly one target: --redis <url> or --config <module>\n${USAGE}`)
    return 2
  }
  let appwrite: typeof import('node-appwrite')
  try {
    appwrite = await import('node-appwrite')
  } catch {
    out.write('express-accounts migrate reads the source with node-appwrite: npm install node-appwrite\n')
    return 1
  }
  const source = new appwrite.Users(new appwrite.Client().setEndpoint(from).setProject(project).setKey(key))
  const target = dryRun ? null : await openTarget(values)
  const show = progressLine(out)
  try {
    const state = await migrateUsers({
      source, query: appwrite.Query, endpoint: from, project, target: target?.accounts ?? null,
      cursorPath: resolve(String(values.cursor ?? '.express-accounts-migrate.json')),
      dryRun,
      pageSize: values['page-size'] ? Number(values['page-size']) : undefined,
      onProgress: (done, total, s) => show(done, total, `created ${s.created}, existing ${s.existing}, failed ${s.failed}`),
      onProblem: (userId, problem) => out.write(`\nuser ${userId}: ${problem}\n`),
    })
    out.write(`${dryRun ? '[dry run] would create' : 'created'} ${state.created}, already there ${state.existing}, failed ${state.failed}, without password ${state.withoutPassword}\n`)
    return state.failed > 0 ? 1 : 0
  } catch (err) {
    // The source or the store failed mid-way: what is written stays, the cursor says where.
    const cause = (err as { cause?: { message?: string } }).cause?.message
    out.write(`\nmigration stopped: ${(err as Error).message}${cause ? ` (${cause})` : ''}\nRun the same command again to resume.\n`)
    return 1
  } finally {
    await target?.close()
  }
}

async function openTarget(values: Record<string, string | boolean | undefined>): Promise<{ accounts: Accounts; close(): Promise<void> }> {
  if (typeof values.config === 'string') {
    const mod = (await import(pathToFileURL(resolve(values.config)).href)) as { default?: Accounts; accounts?: Accounts }
    const accounts = mod.accounts ?? mod.default
    if (!accounts || typeof accounts.insert !== 'function') throw new Error(`${values.config} must export an Accounts instance (default or "accounts")`)
    return { accounts, close: () => accounts.store.close() }
  }
  const store = new RedisStore({ url: String(values.redis), prefix: typeof values.prefix === 'string' ? values.prefix : undefined })
  // Only records are written: no token or session is sealed with this throwaway secret.
  const accounts = createAccounts({ store, secret: randomBytes(32).toString('hex') })
  return { accounts, close: () => store.close() }
}
