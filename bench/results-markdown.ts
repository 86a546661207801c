import os from 'node:os'
import type { BenchOptions } from './bench-options.js'
import type { CpuPlan } from './cpu-pinning.js'
import type { MachineInfo } from './machine-info.js'
import type { RedisMemoryReport } from './measure-redis-memory.js'
import type { SeedReport } from './seed-accounts.js'
import type { VariantSummary } from './summarize.js'
import type { ContextRatio, TargetResult } from './evaluate-targets.js'
import { listingMarkdown, type ListingReport } from './listing-bench.js'
import { readSide, SIDE_PAIRS, sideKey, windowCpuRatio, type SideWindows } from './side-by-side.js'

export interface RunRecord {
  command: string
  options: BenchOptions
  machine: MachineInfo
  /** Where the servers and the rest ran (cpu-pinning.ts), or why nothing was pinned. */
  cpus: CpuPlan | string
  summaries: VariantSummary[]
  /** The side-by-side windows of each compared pair (side-by-side.ts). */
  side: SideWindows
  targets: TargetResult[]
  /** Ratios shown beside the targets, not judged (evaluateContext). */
  context: ContextRatio[]
  memory: RedisMemoryReport | null
  seeding: SeedReport | null
  seedMemoryBytes: number | null
  seconds: number
  /** The Users list scenario (issue 13), when it ran. */
  listing?: ListingReport
}

const f = (n: number | null, digits = 2) => (n === null || Number.isNaN(n) ? '—' : n.toFixed(digits))
const int = (n: number) => Math.round(n).toLocaleString('en-US')
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')

/** The results file: how and where it was measured, then every table the targets are read from. */
export function resultsMarkdown(r: RunRecord): string {
  const o = r.options
  const me = r.summaries.filter((s) => s.variant.table === 'me')
  const signIn = r.summaries.filter((s) => s.variant.table === 'sign-in')
  const m = r.machine
  const out: string[] = []
  out.push('# Benchmark results', '')
  out.push('Written by `npm run bench -- --write`; do not edit by hand (rerun it). See docs/benchmarks.md for what is measured and how.', '')
  out.push(table(['', ''], [
    ['command', `\`${r.command}\``],
    ['date', m.date],
    ['machine', `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}`],
    ['load average (1 min) at start → end', `${m.loadAtStart.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`],
    ['Node / Redis', `${m.node} / ${m.redis}`],
    ['CPUs', typeof r.cpus === 'object' ? `measured servers (every thread) pinned to CPU ${r.cpus.servers}; load generators, Redis and the harness to CPU ${r.cpus.rest} (\`taskset\`)` : `not pinned (${r.cpus})`],
    ['load', `autocannon, ${o.connections} connections, ${o.duration} s per window, ${o.rounds} rounds (round-robin, start rotated each round), ${o.warmup} s warm-up per variant; ${o.sideRounds > 0 ? `then ${o.sideRounds} side-by-side rounds of ${o.sideDuration} s per pair (both servers loaded at once, a load generator child each)` : 'no side-by-side rounds (`--side-rounds 0`: every target read one at a time)'}; ${Math.round(r.seconds)} s in all`],
  ]), '')

  out.push('## `GET /me`', '')
  out.push('Ratio: median over rounds of the variant\'s req/s ÷ bare Express\'s req/s in the same round. CPU ratio: the same read from server CPU per request (bare Express µs ÷ the variant\'s µs), steadier when the load generator shares the cores. Redis commands per request are counted over all measured windows (`INFO commandstats`, which also counts the commands a Lua script runs) and divided by the requests the server received; round trips and writes per request come from a separate probe of 200 sequential requests (`total_reads_processed`, `rdb_changes_since_last_save`).', '')
  out.push(table(
    ['variant', 'ratio', 'CPU ratio', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'Redis cmds/req', 'round trips/req', 'writes/req', 'failed'],
    me.map((s) => [s.variant.label + ` (\`${s.variant.name}\`)`, f(s.ratio), f(s.cpuRatio), int(s.rps), f(s.p50, 1), f(s.p99, 1), int(s.cpuPerRequest),
      s.commandsPerRequest === null ? '—' : `${f(s.commandsPerRequest)} (${s.commandMix || 'none'})`, f(s.roundTrips), f(s.changesPerRequest), String(s.failures)]),
  ), '')

  if (signIn.length > 0) {
    out.push('## Sign-in', '')
    out.push(`bcrypt cost ${o.bcryptCost}, ${o.connections} connections. Ratio: req/s ÷ raw \`bcrypt.compare\`'s req/s in the same round.`, '')
    out.push(table(['variant', 'ratio', 'CPU ratio', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'failed'],
      signIn.map((s) => [s.variant.label + ` (\`${s.variant.name}\`)`, f(s.ratio), f(s.cpuRatio), f(s.rps, 1), f(s.p50, 0), f(s.p99, 0), int(s.cpuPerRequest), String(s.failures)])), '')
  }

  if (r.memory || r.seeding) {
    out.push('## Redis memory and seeded data', '')
    const rows: string[][] = []
    if (r.memory) {
      rows.push(['bytes per account (`MEMORY USAGE` of the keys sign-up writes)', int(r.memory.perAccount)])
      rows.push([`bytes per session (growth over ${r.memory.sessions} sign-ins)`, int(r.memory.perSession)])
      rows.push(['keys', r.memory.keys.map((k) => `\`${k.key}\` ${int(k.bytes)}`).join('<br>')])
    }
    if (r.seeding) {
      rows.push(['seeded (`rs-seeded`)', `${int(r.seeding.accounts)} accounts, ${int(r.seeding.sessions)} sessions in ${r.seeding.seconds.toFixed(1)} s (pipelined copies of the bench account's ${r.seeding.keysPerAccount} keys)`])
      if (r.seedMemoryBytes !== null) rows.push(['`used_memory` of the seeded Redis', `${(r.seedMemoryBytes / 2 ** 20).toFixed(0)} MiB`])
    }
    out.push(table(['', ''], rows), '')
  }

  if (r.listing) out.push(listingMarkdown(r.listing))

  out.push('## Targets (issues 11 and 13)', '')
  out.push(o.sideRounds === 0 ? 'Computed by the harness from the ratios above, each as the median over rounds of the pair\'s req/s in the same round (no side-by-side rounds in this run); the verdict is read from req/s, the same pair read from server CPU per request is shown beside it.' : 'Computed by the harness. A `GET /me` pair is judged **side by side by server CPU**: the median over the side-by-side windows (below), both servers loaded over the same seconds, of the ratio of their server CPU per request (the reference\'s µs ÷ the variant\'s), with its lowest and highest window; the same windows read by req/s (the same figure when the servers are pinned to their own CPUs; pulled toward 1.00× when they share the cores with the load generators) and the one-at-a-time figure (the median over rounds of the pair\'s req/s in the same round, from the `GET /me` table) are shown beside it. Sign-in has no side-by-side pair and is judged one at a time by req/s. Why: see the A/A control under Context, and docs/benchmarks.md.', '')
  out.push(table(['target', 'required', 'measured', 'met'],
    r.targets.map((t) => [t.target, t.required, t.measured, t.met === null ? '—' : t.met ? 'yes' : '**no**'])), '')

  if (r.context.length > 0) {
    out.push('## Context (not targets)', '')
    out.push('First the A/A control: bare Express against a second, identical bare Express server, which a method without bias reads as 1.00; how far each method strays from it, and the spread of its windows, is what it cannot tell apart. Then the in-process variants against `express-mw`, a hand-written middleware that finds the session in a Map and sets `req.user` to a copy of the user with no check at all: what any middleware pays, against what is `requireSession()`\'s own. Read the same way as the targets.', '')
    out.push(table(['pair', 'measured'], r.context.map((c) => [c.pair, c.measured])), '')
  }

  const sidePairs = SIDE_PAIRS.filter((p) => (r.side.get(sideKey(p.a, p.b))?.length ?? 0) > 0)
  if (sidePairs.length > 0) {
    out.push('## Side by side', '')
    out.push(`Each window loads both servers of a pair at once for ${o.sideDuration} s, each with its own autocannon in a child process (${o.connections} connections each), both starting at one agreed moment, so both see the same seconds of the machine. CPU ratio (judged): \`b\`'s server CPU µs per request ÷ \`a\`'s in the same window; req/s ratio: \`a\`'s req/s ÷ \`b\`'s. Which server is begun first alternates every round, which load generator it gets every second round.`, '')
    out.push(table(['a', 'b', 'CPU ratio (median)', 'req/s ratio (median)', 'windows', 'each window (CPU ratio)'], sidePairs.map((p) => {
      const read = readSide(r.side, p.a, p.b)!
      const each = r.side.get(sideKey(p.a, p.b))!.map((w) => f(windowCpuRatio(w)))
      return [`\`${p.a}\``, `\`${p.b}\``, f(read.cpuRatio), f(read.ratio), String(read.windows), each.join(' ')]
    })), '')
  }

  out.push('## Per round', '')
  out.push('Each round\'s ratio to its reference (bare Express; raw bcrypt for sign-in), to show the spread behind the medians.', '')
  out.push(table(['variant', ...Array.from({ length: o.rounds }, (_, i) => `round ${i + 1}`)],
    r.summaries.map((s) => [`\`${s.variant.name}\``, ...s.perRound.map((x) => f(x))])), '')
  return out.join('\n')
}
