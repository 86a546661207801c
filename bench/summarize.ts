import type { WindowResult } from './running-variant.js'
import type { Variant } from './variants.js'

/** Each round: the window of every variant, by name. */
export type Rounds = Map<string, WindowResult>[]

export interface VariantSummary {
  variant: Variant
  /** Median over rounds of req/s ÷ the reference's req/s in the same round. */
  ratio: number | null
  perRound: (number | null)[]
  /** Median over rounds of the reference's CPU µs/req ÷ this one's: the same ratio read from server CPU. */
  cpuRatio: number | null
  rps: number
  p50: number
  p99: number
  cpuPerRequest: number
  /** Over all measured windows. */
  commandsPerRequest: number | null
  /** e.g. `get 2.00` or `get 2.00, expire 1.00`. */
  commandMix: string
  /** Each command's count per request over all measured windows (null: no Redis). */
  commandRates: Record<string, number> | null
  /** From the sequential probe (one request in flight): Redis request batches per request. */
  roundTrips: number | null
  changesPerRequest: number | null
  failures: number
  responses: number
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Server CPU µs per request the server received in the window. */
export const cpuPerRequest = (w: WindowResult) => w.cpuMicros / Math.max(1, w.served)

/** Per round, `a`'s req/s over `b`'s; null for a round missing either. */
function perRoundRatios(rounds: Rounds, a: string, b: string, of: (w: WindowResult) => number = (w) => w.rps): (number | null)[] {
  return rounds.map((r) => {
    const x = r.get(a)
    const y = r.get(b)
    return x && y && of(y) > 0 ? of(x) / of(y) : null
  })
}

/** Median of `perRoundRatios` (`of`: req/s by default), or null when no round has both. */
export function pairRatio(rounds: Rounds, a: string, b: string, of?: (w: WindowResult) => number): number | null {
  const ratios = perRoundRatios(rounds, a, b, of).filter((r): r is number => r !== null)
  return ratios.length > 0 ? median(ratios) : null
}

export function summarize(variants: Variant[], rounds: Rounds, probes: Map<string, WindowResult>): VariantSummary[] {
  return variants.map((variant) => {
    const windows = rounds.map((r) => r.get(variant.name)).filter((w): w is WindowResult => w !== undefined)
    const perRound = perRoundRatios(rounds, variant.name, variant.reference)
    const cpuRatios = perRoundRatios(rounds, variant.reference, variant.name, cpuPerRequest).filter((r): r is number => r !== null)
    const measured = perRound.filter((r): r is number => r !== null)
    const responses = windows.reduce((a, w) => a + w.responses, 0)
    const withRedis = windows.filter((w) => w.redis !== null)
    const commands: Record<string, number> = {}
    for (const w of withRedis) for (const [cmd, n] of Object.entries(w.redis!.commands)) commands[cmd] = (commands[cmd] ?? 0) + n
    const redisResponses = withRedis.reduce((a, w) => a + w.served, 0)
    const probe = probes.get(variant.name)
    return {
      variant,
      ratio: measured.length > 0 ? median(measured) : null,
      perRound,
      cpuRatio: cpuRatios.length > 0 ? median(cpuRatios) : null,
      rps: median(windows.map((w) => w.rps)),
      p50: median(windows.map((w) => w.p50)),
      p99: median(windows.map((w) => w.p99)),
      cpuPerRequest: median(windows.map(cpuPerRequest)),
      commandsPerRequest: withRedis.length > 0 ? Object.values(commands).reduce((a, b) => a + b, 0) / Math.max(1, redisResponses) : null,
      commandMix: Object.entries(commands).sort().map(([cmd, n]) => `${cmd} ${(n / Math.max(1, redisResponses)).toFixed(2)}`).join(', '),
      commandRates: withRedis.length > 0 ? Object.fromEntries(Object.entries(commands).map(([cmd, n]) => [cmd, n / Math.max(1, redisResponses)])) : null,
      roundTrips: probe?.redis ? probe.redis.reads / Math.max(1, probe.served) : null,
      changesPerRequest: probe?.redis ? probe.redis.changes / Math.max(1, probe.served) : null,
      failures: windows.reduce((a, w) => a + w.failures, 0) + (probe?.failures ?? 0),
      responses,
    }
  })
}
