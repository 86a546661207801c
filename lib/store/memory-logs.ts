import type { AppendLogOptions, LogLane, LogRecord } from './store.js'

interface Entry { time: number; seq?: number | undefined; json: string }
type Lanes = Record<LogLane, Entry[]>

/**
 * Newest first by time, then by `seq` (entries of one millisecond in different lanes, e.g.
 * `impersonation.start` and the request it starts); within one lane, equal times and seqs keep
 * reverse append order (stable sort).
 */
export function newestFirst<T extends { time: number; seq?: number | undefined }>(lanes: T[][]): T[] {
  return lanes.flatMap((lane) => [...lane].reverse()).sort((a, b) => b.time - a.time || (b.seq ?? 0) - (a.seq ?? 0))
}

/**
 * {@link MemoryStore}'s security logs: per account, one array per lane, oldest first, kept as
 * JSON like everything else in it. Every method is synchronous, so an append and its trim are
 * one step. The store wraps it in its async methods and deletes an account's log with it.
 */
export class MemoryLogs {
  readonly #byAccount = new Map<string, Lanes>()

  append(entry: LogRecord, o: AppendLogOptions): void {
    let lanes = this.#byAccount.get(entry.accountId)
    if (!lanes) this.#byAccount.set(entry.accountId, (lanes = { account: [], stranger: [], impersonation: [] }))
    const lane = lanes[o.lane]
    lane.push({ time: entry.time, seq: entry.seq, json: JSON.stringify(entry) })
    const cutoff = o.now - o.maxAgeMs
    let drop = Math.max(0, lane.length - Math.max(0, o.maxEntries))
    while (drop < lane.length && lane[drop]!.time < cutoff) drop++
    if (drop > 0) lane.splice(0, drop)
  }

  list(accountId: string, o: { now: number; maxAgeMs: number }): LogRecord[] {
    const lanes = this.#byAccount.get(accountId)
    if (!lanes) return []
    const cutoff = o.now - o.maxAgeMs
    const live = (lane: Entry[]) => lane.filter((e) => e.time >= cutoff)
    return newestFirst([live(lanes.account), live(lanes.stranger), live(lanes.impersonation)]).map((e) => JSON.parse(e.json) as LogRecord)
  }

  deleteAll(accountId: string): void {
    this.#byAccount.delete(accountId)
  }
}
