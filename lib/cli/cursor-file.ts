import { readFile, rename, writeFile } from 'node:fs/promises'

/** Where a migration stands: resumable after a crash or Ctrl-C, tied to one source. */
export interface MigrationCursor {
  endpoint: string
  project: string
  /** The last source user id handled (the next page starts after it); null before the first page. */
  cursor: string | null
  created: number
  existing: number
  failed: number
  withoutPassword: number
}

/** The saved cursor for this source, or null (none yet, or it belongs to another source). */
export async function readCursor(path: string, endpoint: string, project: string): Promise<MigrationCursor | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const saved = JSON.parse(text) as MigrationCursor
  if (saved.endpoint !== endpoint || saved.project !== project) {
    throw new Error(`${path} belongs to a migration from ${saved.endpoint} (project ${saved.project}); delete it or pass another --cursor file`)
  }
  return saved
}

/** Written to a temporary file and renamed over the old one: a crash mid-write never leaves half a cursor. */
export async function writeCursor(path: string, cursor: MigrationCursor): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(cursor, null, 2)}\n`)
  await rename(tmp, path)
}
