import type { BenchOptions } from './bench-options.js'
import { cpuPlan, pin } from './cpu-pinning.js'
import { machineInfo } from './machine-info.js'
import { measureRedisMemory } from './measure-redis-memory.js'
import type { RunRecord } from './results-markdown.js'
import type { WindowResult } from './running-variant.js'
import { sideBySide, type SideWindows } from './side-by-side.js'
import { startAll, stopAll } from './start-all.js'
import { summarize, type Rounds } from './summarize.js'
import { evaluateContext, evaluateTargets } from './evaluate-targets.js'
import type { Variant } from './variants.js'

/** Sequential requests per Redis variant after the rounds, to count round trips and writes of one request. */
const PROBE_REQUESTS = 200

const log = (msg: string) => process.stderr.write(`${msg}\n`)

/**
 * The measured run: start everything, warm each variant up, then `rounds` rounds in which every
 * variant gets one window, round-robin (each round starts one variant later, so no variant is
 * always first or last); then the side-by-side rounds, in which each compared pair is loaded
 * at once (side-by-side.ts); then one sequential probe per Redis variant.
 */
export async function fullRun(options: BenchOptions, variants: Variant[], command: string): Promise<RunRecord> {
  const began = process.hrtime.bigint()
  const machine = machineInfo()
  // Before any child starts: the load generators and Redis servers inherit this process' CPUs;
  // each server child is moved to the servers' CPUs once it is up.
  const { plan, why } = options.pin ? cpuPlan() : { plan: null, why: '--no-pin' }
  if (plan) pin(process.pid, plan.rest)
  else log(`not pinning CPUs (${why})`)
  const memory = variants.some((v) => v.name === 'rs-header') ? await measureRedisMemory() : null
  log(`starting ${variants.length} servers${variants.some((v) => v.redis === 'seeded') ? ` (seeding ${options.seedAccounts.toLocaleString('en-US')} accounts)` : ''}…`)
  const running = await startAll(variants, { ...options, shareProcess: false })
  try {
    if (plan) for (const r of running) pin(r.server.pid, plan.servers)
    const seeded = running.find((r) => r.seeding)
    const seedMemoryBytes = seeded?.probe ? Number(await seeded.probe.infoField('memory', 'used_memory')) : null
    if (options.warmup > 0) {
      for (const r of running) {
        log(`warm-up ${r.variant.name}`)
        await r.window({ connections: options.connections, duration: options.warmup })
      }
    }
    const rounds: Rounds = []
    for (let round = 0; round < options.rounds; round++) {
      const windows = new Map<string, WindowResult>()
      const order = running.map((_, i) => running[(i + round) % running.length])
      for (const r of order) {
        const w = await r.window({ connections: options.connections, duration: options.duration })
        windows.set(r.variant.name, w)
        log(`round ${round + 1}/${options.rounds} ${r.variant.name.padEnd(16)} ${w.rps.toFixed(0).padStart(7)} req/s  ${(w.cpuMicros / Math.max(1, w.served)).toFixed(0).padStart(6)} µs/req${w.failures ? `  ${w.failures} FAILED` : ''}`)
      }
      rounds.push(windows)
    }
    const side: SideWindows = await sideBySide(running, { rounds: options.sideRounds, duration: options.sideDuration, connections: options.connections }, log)
    const probes = new Map<string, WindowResult>()
    for (const r of running.filter((x) => x.probe)) probes.set(r.variant.name, await r.window({ connections: 1, sequential: PROBE_REQUESTS }))
    const summaries = summarize(variants, rounds, probes)
    return {
      command,
      options,
      machine,
      cpus: plan ?? why,
      summaries,
      side,
      targets: evaluateTargets(rounds, summaries, side),
      context: evaluateContext(rounds, summaries, side),
      memory,
      seeding: seeded?.seeding ?? null,
      seedMemoryBytes,
      seconds: Number(process.hrtime.bigint() - began) / 1e9,
    }
  } finally {
    await stopAll(running)
  }
}
