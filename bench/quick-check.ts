import type { BenchOptions } from './bench-options.js'
import type { RunningVariant } from './running-variant.js'
import { startAll, stopAll } from './start-all.js'
import type { Variant } from './variants.js'

/** Requests per variant, one at a time, so Redis' read count is the round trips of one request. */
const REQUESTS = 20

export interface QuickRow {
  variant: string
  statuses: string
  redis: string
  problems: string[]
}

/**
 * `--quick`: no timing at all. Every variant must answer its expected status to every request,
 * the peers must issue the Redis commands they are described with (so the comparison stays
 * honest), and `requireSession()` must cost at most one command, one round trip and no write.
 */
export async function quickCheck(options: BenchOptions, variants: Variant[]): Promise<QuickRow[]> {
  const running = await startAll(variants, { ...options, shareProcess: true })
  try {
    const rows: QuickRow[] = []
    for (const r of running) rows.push(await check(r))
    return rows
  } finally {
    await stopAll(running)
  }
}

async function check(r: RunningVariant): Promise<QuickRow> {
  const w = await r.window({ connections: 1, sequential: REQUESTS })
  const problems: string[] = []
  const statuses = Object.entries(w.statuses).map(([code, n]) => `${n}×${code}`).join(' ') || 'none'
  const request = await r.server.request()
  if (w.failures > 0 || w.responses < REQUESTS) problems.push(`expected ${REQUESTS}×${request.expectStatus}, got ${statuses}`)
  let redis = '—'
  const e = r.variant.expect
  if (w.redis) {
    const per = (n: number) => n / Math.max(1, w.served)
    const commands = per(w.redis.total)
    const trips = per(w.redis.reads)
    const writes = per(w.redis.changes)
    const mix = Object.entries(w.redis.commands).sort().map(([c, n]) => `${c} ${per(n).toFixed(2)}`).join(', ') || 'none'
    redis = `${commands.toFixed(2)} cmds (${mix}), ${trips.toFixed(2)} round trips, ${writes.toFixed(2)} writes`
    if (e?.commands !== undefined && commands !== e.commands) problems.push(`expected ${e.commands} Redis commands per request`)
    if (e?.maxCommands !== undefined && commands > e.maxCommands) problems.push(`more than ${e.maxCommands} Redis command per request`)
    if (e?.maxRoundTrips !== undefined && trips > e.maxRoundTrips) problems.push(`more than ${e.maxRoundTrips} Redis round trip per request`)
    if (e?.maxChanges !== undefined && writes > e.maxChanges) problems.push('Redis writes on the request path')
  }
  if (r.seeding) redis += `; seeded ${r.seeding.accounts} accounts / ${r.seeding.sessions} sessions in ${r.seeding.seconds.toFixed(1)} s`
  return { variant: r.variant.name, statuses, redis, problems }
}
