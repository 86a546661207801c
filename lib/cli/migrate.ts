import type { Users } from 'node-appwrite'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import { type MigrationCursor, readCursor, writeCursor } from './cursor-file.js'
import { type SourceUser, userRecord } from './user-record.js'

export interface MigrateOptions {
  /** node-appwrite `Users` service for the source (endpoint, project and API key set). */
  source: Users
  /** Query builder from the same node-appwrite (`Query`). */
  query: { limit(n: number): string; cursorAfter(id: string): string }
  endpoint: string
  project: string
  /** Where accounts are written. Unused (may be null) with `dryRun`. */
  target: Accounts | null
  /** Resumable cursor file; null = none (start from the beginning, keep no state). */
  cursorPath: string | null
  dryRun?: boolean
  pageSize?: number
  /** Called after every page. */
  onProgress?(done: number, total: number, cursor: MigrationCursor): void
  /** Called for every user that could not be written (or lost its password). */
  onProblem?(userId: string, problem: string): void
}

/**
 * Pages through the source's `GET /users` (cursorAfter, oldest first) and inserts each user
 * into the target. Idempotent: a user whose id already exists in the target is left as it is
 * (the target is authoritative once a user is there: its password may have been rehashed or
 * changed since). The cursor is saved after every page, so a run stopped at any point resumes
 * where it stopped; re-running after the end finds nothing new.
 */
export async function migrateUsers(o: MigrateOptions): Promise<MigrationCursor> {
  const pageSize = o.pageSize ?? 100
  const saved = o.cursorPath ? await readCursor(o.cursorPath, o.endpoint, o.project) : null
  const state: MigrationCursor = saved ?? { endpoint: o.endpoint, project: o.project, cursor: null, created: 0, existing: 0, failed: 0, withoutPassword: 0 }
  let total = 0
  for (;;) {
    const queries = [o.query.limit(pageSize)]
    if (state.cursor !== null) queries.push(o.query.cursorAfter(state.cursor))
    const page = await o.source.list({ queries })
    total = Math.max(total, page.total)
    for (const user of page.users as unknown as SourceUser[]) await migrateOne(o, state, user)
    if (page.users.length > 0) state.cursor = (page.users.at(-1) as { $id: string }).$id
    if (o.cursorPath && !o.dryRun) await writeCursor(o.cursorPath, state)
    const done = state.created + state.existing + state.failed
    o.onProgress?.(done, Math.max(total, done), state)
    if (page.users.length < pageSize) return state
  }
}

async function migrateOne(o: MigrateOptions, state: MigrationCursor, user: SourceUser): Promise<void> {
  let converted: ReturnType<typeof userRecord>
  try {
    converted = userRecord(user, Date.now())
  } catch (err) {
    // A source user no `POST /users` could have made (see userRecord): reported, not written.
    if (!(err instanceof AccountsError)) throw err
    state.failed += 1
    o.onProblem?.(String(user.$id), err.message)
    return
  }
  const { record, passwordLoss } = converted
  if (passwordLoss) {
    state.withoutPassword += 1
    o.onProblem?.(user.$id, `password not carried over (${passwordLoss}); the user must reset it`)
  }
  if (o.dryRun || !o.target) {
    state.created += 1
    return
  }
  try {
    await o.target.insert(record)
    state.created += 1
  } catch (err) {
    if (err instanceof AccountsError && err.type === 'user_already_exists' && (await o.target.getAccount(record.id))) {
      state.existing += 1
      return
    }
    // A store fault stops the run: the page is done again on resume (its users then count as existing).
    if (!(err instanceof AccountsError) || err.status >= 500) throw err
    state.failed += 1
    o.onProblem?.(user.$id, err.message)
  }
}
