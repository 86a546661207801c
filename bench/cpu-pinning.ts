import { spawnSync } from 'node:child_process'
import os from 'node:os'

/** Which CPUs (a `taskset -c` list) the measured servers get, and which everything else. */
export interface CpuPlan {
  servers: string
  rest: string
}

/**
 * The split of `cores` CPUs: the lower half for the measured servers, the upper half for the
 * load generators, the Redis servers and the harness. Null with fewer than two CPUs.
 */
export function splitCpus(cores: number): CpuPlan | null {
  if (cores < 2) return null
  const half = Math.floor(cores / 2)
  const range = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`)
  return { servers: range(0, half - 1), rest: range(half, cores - 1) }
}

/**
 * The plan for this machine, or why there is none (`why`): pinning needs two CPUs and
 * `taskset` (util-linux, Linux only).
 */
export function cpuPlan(): { plan: CpuPlan | null; why: string } {
  const plan = splitCpus(os.availableParallelism())
  if (plan === null) return { plan: null, why: 'one CPU' }
  if (spawnSync('taskset', ['--version']).status !== 0) return { plan: null, why: 'no taskset' }
  return { plan, why: '' }
}

/**
 * Binds every thread of `pid` (and the threads it starts later, which inherit it) to `cpus`.
 *
 * Why the bench pins: on two cores shared by a server, its load generator and Redis, a server's
 * throughput also depends on how much CPU the scheduler leaves it next to its own load
 * generator, and two servers loaded at once (side-by-side.ts) each compete with both
 * generators, which pulls their req/s ratio toward 1.00×; the same VM's A/A control spread
 * 0.76–1.39× over 1 s windows. With the servers alone on their CPU (V8's GC helper threads and
 * libuv's pool included), a server's req/s is what its own CPU per request allows, two servers
 * side by side split that CPU evenly, and the A/A windows spread 0.89–1.07×.
 */
export function pin(pid: number, cpus: string): void {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`taskset -a -p -c ${cpus} ${pid} failed: ${(r.stderr || r.error?.message || '').trim()}`)
}
