import { VARIANTS } from './variants.js'

export interface BenchOptions {
  /** Seconds per measured window. */
  duration: number
  /** Seconds of load per variant before the first round (JIT, connection pools). */
  warmup: number
  connections: number
  rounds: number
  /** Rounds of side-by-side windows (each compared pair loaded at once); 0 skips them. */
  sideRounds: number
  /** Seconds per side-by-side window. */
  sideDuration: number
  /** Pin the measured servers to half the CPUs and everything else to the other half (cpu-pinning.ts). */
  pin: boolean
  /** `null`: all of them. */
  variants: string[] | null
  bcryptCost: number
  seedAccounts: number
  /** Accounts of the Users list scenario's large size (issue 13); 0 skips it. */
  listAccounts: number
  sessionsPerAccount: number
  quick: boolean
  /** Where to write the results (Markdown); `null`: print only. */
  write: string | null
  help: boolean
}

const DEFAULT_RESULTS = 'bench/RESULTS.md'

const DEFAULTS: BenchOptions = {
  duration: 10,
  warmup: 3,
  connections: 32,
  rounds: 3,
  sideRounds: 12,
  sideDuration: 2,
  pin: true,
  variants: null,
  bcryptCost: 12, // the library's default: sign-in is measured at the cost users get
  seedAccounts: 100_000,
  listAccounts: 100_000,
  sessionsPerAccount: 2,
  quick: false,
  write: null,
  help: false,
}

export const HELP = `npm run bench -- [options]

Runs every variant's server in its own child process on loopback, each Redis variant on a
redis-server of its own (started here on a free port, never 6379), and loads them with
autocannon round-robin over several rounds; each round's ratio is taken against the reference
(bare Express, or raw bcrypt for sign-in) measured in the same round. Then each pair the
targets compare is loaded side by side (both servers at once, a load generator child each)
over several windows, and the targets are read from those.

  --duration <s>          seconds per measured window               (default ${DEFAULTS.duration})
  --warmup <s>            seconds of load per variant before round 1 (default ${DEFAULTS.warmup})
  --connections <n>       autocannon connections                    (default ${DEFAULTS.connections})
  --rounds <n>            rounds over all variants                  (default ${DEFAULTS.rounds})
  --side-rounds <n>       rounds of side-by-side windows, in which the two variants of each
                          compared pair are loaded at once; the targets are read from them,
                          by server CPU per request (a multiple of 4, default
                          ${DEFAULTS.sideRounds}; 0 skips them, the targets are then read one
                          at a time)
  --side-duration <s>     seconds per side-by-side window            (default ${DEFAULTS.sideDuration})
  --no-pin                do not pin CPUs (by default the measured servers, every thread,
                          get the lower half of the CPUs and the load generators, Redis and
                          the harness the upper half; needs 2 CPUs and taskset)
  --variants <a,b,…>      only these (their references are added); known:
                          ${VARIANTS.map((v) => v.name).join(', ')}
  --bcrypt-cost <n>       bcrypt cost for sign-in and raw bcrypt    (default ${DEFAULTS.bcryptCost}, the library's)
  --seed-accounts <n>     accounts seeded for rs-seeded             (default ${DEFAULTS.seedAccounts})
  --list-accounts <n>     accounts of the Users list scenario, measured against 10,000
                          (default ${DEFAULTS.listAccounts}; 0 skips it; --quick: 500 vs 2,000)
  --sessions-per-account <n>  sessions seeded per account           (default ${DEFAULTS.sessionsPerAccount})
  --write [file]          write the results as Markdown             (file default ${DEFAULT_RESULTS})
  --quick                 CI check, no timing: every variant answers its expected status to
                          a few sequential requests, the peers issue the Redis commands they
                          are described with, and requireSession() costs at most 1 command,
                          1 round trip and 0 writes per request. Exits 1 otherwise. Seeds
                          1,000 accounts, bcrypt cost 4 (unless given). REQUIRE_REDIS=1 fails
                          without redis-server; otherwise Redis variants are then skipped.
  --help                  this text

The record (bench/RESULTS.md) is made on a quiet machine with:
  npm run bench -- --write`

/** Parses `process.argv.slice(2)`; throws a message meant for the user on bad input. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = { ...DEFAULTS }
  const given = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`)
      return v
    }
    given.add(flag)
    switch (flag) {
      case '--duration': o.duration = number(flag, value(), 0.1); break
      case '--warmup': o.warmup = number(flag, value(), 0); break
      case '--connections': o.connections = integer(flag, value(), 1); break
      case '--rounds': o.rounds = integer(flag, value(), 1); break
      case '--side-rounds':
        o.sideRounds = integer(flag, value(), 0)
        // sidePlan alternates the order every round and the generator every second round: only
        // whole blocks of four give each side each arrangement equally often.
        if (o.sideRounds % 4 !== 0) throw new Error(`--side-rounds must be 0 or a multiple of 4, so each side is begun first and gets each load generator equally often (got ${o.sideRounds})`)
        break
      case '--side-duration': o.sideDuration = number(flag, value(), 0.1); break
      case '--variants': o.variants = value().split(',').map((s) => s.trim()).filter(Boolean); break
      case '--bcrypt-cost': o.bcryptCost = integer(flag, value(), 4, 31); break
      case '--seed-accounts': o.seedAccounts = integer(flag, value(), 0); break
      case '--list-accounts': o.listAccounts = integer(flag, value(), 0); break
      case '--sessions-per-account': o.sessionsPerAccount = integer(flag, value(), 1, 10); break
      case '--no-pin': o.pin = false; break
      case '--quick': o.quick = true; break
      case '--help': case '-h': o.help = true; break
      case '--write':
        if (inline !== undefined) o.write = inline
        else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) o.write = argv[++i]
        else o.write = DEFAULT_RESULTS
        break
      default: throw new Error(`unknown option ${arg} (see --help)`)
    }
  }
  if (o.quick) {
    if (!given.has('--bcrypt-cost')) o.bcryptCost = 4
    if (!given.has('--seed-accounts')) o.seedAccounts = 1000
  }
  return o
}

function number(flag: string, raw: string, min: number): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`${flag} must be a number ≥ ${min} (got ${raw})`)
  return n
}

function integer(flag: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer from ${min} to ${max} (got ${raw})`)
  return n
}
