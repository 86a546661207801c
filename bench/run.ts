/**
 * `npm run bench`: the `requireSession()` hot path under load, on RedisStore and MemoryStore.
 *
 * The app runs in a child process (so the load generator doesn't share its event loop or its
 * RSS) behind `GET /api/me` with `requireSession()`; this process drives it over loopback with
 * keep-alive connections. For RedisStore it starts its own `redis-server` the way the test
 * harness does (free loopback port, never 6379, nothing persisted) and diffs
 * `INFO commandstats` around the measured run.
 * Server CPU per request (the child's `process.cpuUsage()`) is the figure least disturbed by a
 * busy machine: on two cores the load generator, not the server, limits requests/s.
 * Exits non-zero when a request needs more than one Redis command, or any request fails.
 *
 * Options (environment): BENCH_REQUESTS (5000), BENCH_CONCURRENCY (32).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { createClient } from 'redis'
import { createAccounts, MemoryStore, RedisStore } from '../lib/index.js'
import { startRedisServer } from '../test/support/redis-server.js'

const REQUESTS = positive('BENCH_REQUESTS', 5000)
const CONCURRENCY = positive('BENCH_CONCURRENCY', 32)
const WARMUP = Math.min(1000, REQUESTS)
const PROJECT = 'bench'

type StoreKind = 'RedisStore' | 'MemoryStore'
interface Ready { port: number; cookie: string }
interface ServerStats { rss: number; cpuUs: number }
interface Row { label: string; rps: number; p50: number; p99: number; cmdsPerReq: number | null; commands: string; cpuUs: number; rssStartMb: number; rssMb: number; failed: number }

function positive(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got ${raw})`)
  return n
}

// ── child: the app under test ────────────────────────────────────────────────
async function serve(): Promise<void> {
  const kind = process.env.BENCH_STORE as StoreKind
  const store = kind === 'RedisStore' ? new RedisStore({ url: process.env.BENCH_REDIS_URL!, prefix: 'bench:' }) : new MemoryStore()
  const accounts = createAccounts({ store, project: PROJECT, secret: 'bench-secret-'.padEnd(40, 'x'), rateLimits: false })
  const app = express()
  app.get('/api/me', accounts.requireSession(), (req, res) => {
    res.json(req.account)
  })
  // The same app without the guard: what Express and HTTP cost on their own.
  app.get('/baseline', (_req, res) => {
    res.json({ ok: true })
  })
  const account = await accounts.createAccount({ email: 'bench@example.com', password: 'bench-password-1', name: 'Bench' })
  const { value } = await accounts.signInWithPassword({ email: account.email, password: 'bench-password-1' }, { userAgent: 'bench' })
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  process.on('message', (msg: string) => {
    if (msg === 'stats') {
      const cpu = process.cpuUsage()
      process.send!({ rss: process.memoryUsage().rss, cpuUs: cpu.user + cpu.system } satisfies ServerStats)
    }
    if (msg === 'stop') server.close(() => void store.close().then(() => process.exit(0)))
  })
  process.send!({ port: (server.address() as AddressInfo).port, cookie: `a_session_${PROJECT}=${encodeURIComponent(value)}` } satisfies Ready)
}

// ── parent: Redis, load, report ─────────────────────────────────────────────
async function commandStats(client: { info(section: string): Promise<unknown> }): Promise<Map<string, number>> {
  const stats = new Map<string, number>()
  for (const line of String(await client.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim())
    if (m && m[1] !== 'info') stats.set(m[1], Number(m[2]))
  }
  return stats
}

/** `count` GETs of `path` over `CONCURRENCY` keep-alive connections; latencies in ms. */
async function load(ready: Ready, path: string, count: number): Promise<{ latencies: number[]; failed: number; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const latencies: number[] = []
  let failed = 0
  let next = 0
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const start = process.hrtime.bigint()
      const req = http.get({ agent, host: '127.0.0.1', port: ready.port, path, headers: { cookie: ready.cookie } }, (res) => {
        res.resume()
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
          if (res.statusCode !== 200) failed++
          resolve()
        })
      })
      req.on('error', reject)
    })
  const began = process.hrtime.bigint()
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      next++
      await one()
    }
  }))
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  agent.destroy()
  return { latencies, failed, seconds }
}

async function statsOf(child: ChildProcess): Promise<ServerStats> {
  child.send('stats')
  const [stats] = (await once(child, 'message')) as [ServerStats]
  return stats
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function measure(label: string, kind: StoreKind, redisUrl: string | undefined, path = '/api/me'): Promise<Row> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: process.execArgv, // keeps tsx's loader
    env: { ...process.env, BENCH_ROLE: 'server', BENCH_STORE: kind, BENCH_REDIS_URL: redisUrl ?? '' },
  })
  try {
    const [ready] = (await Promise.race([once(child, 'message'), once(child, 'exit').then(() => { throw new Error(`${kind} server exited early`) })])) as [Ready]
    const { rss: rssStart } = await statsOf(child)
    await load(ready, path, WARMUP)
    const { cpuUs: cpuBefore } = await statsOf(child)
    const stats = redisUrl ? createClient({ url: redisUrl }) : undefined
    await stats?.connect()
    const before = stats ? await commandStats(stats) : undefined
    const { latencies, failed, seconds } = await load(ready, path, REQUESTS)
    const after = stats ? await commandStats(stats) : undefined
    await stats?.close()
    let cmdsPerReq: number | null = null
    const seen: string[] = []
    if (before && after) {
      let total = 0
      for (const [cmd, calls] of after) {
        const d = calls - (before.get(cmd) ?? 0)
        if (d > 0) seen.push(`${cmd}×${d}`)
        total += d
      }
      cmdsPerReq = total / REQUESTS
    }
    const { rss, cpuUs: cpuAfter } = await statsOf(child)
    latencies.sort((a, b) => a - b)
    return {
      label, rps: REQUESTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
      cmdsPerReq, commands: seen.join(' ') || '—', cpuUs: (cpuAfter - cpuBefore) / REQUESTS, rssStartMb: rssStart / 2 ** 20, rssMb: rss / 2 ** 20, failed,
    }
  } finally {
    const exited = once(child, 'exit')
    child.send('stop')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

async function main(): Promise<void> {
  const redis = await startRedisServer().catch((err: Error) => {
    throw new Error(`cannot start redis-server (is it installed?): ${err.message}`)
  })
  const rows: Row[] = []
  try {
    rows.push(await measure('requireSession, RedisStore', 'RedisStore', redis.url))
    rows.push(await measure('requireSession, MemoryStore', 'MemoryStore', undefined))
    rows.push(await measure('baseline: no guard', 'MemoryStore', undefined, '/baseline'))
  } finally {
    redis.stop()
  }
  const cpu = os.cpus()
  console.log(`requireSession() hot path: GET /api/me, ${REQUESTS} requests (+${WARMUP} warm-up), ${CONCURRENCY} keep-alive connections, loopback`)
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}; server under tsx (its loader adds ~60 MB RSS)\n`)
  const head = ['route', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'Redis cmds/req', 'RSS MB start→end', 'failed', 'Redis commands seen']
  const body = rows.map((r) => [r.label, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), r.cpuUs.toFixed(0), r.cmdsPerReq === null ? 'n/a' : r.cmdsPerReq.toFixed(2), `${r.rssStartMb.toFixed(0)}→${r.rssMb.toFixed(0)}`, String(r.failed), r.commands])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  for (const line of [head, widths.map((w) => '-'.repeat(w)), ...body]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('  '))

  const problems: string[] = []
  for (const r of rows) {
    if (r.failed > 0) problems.push(`${r.label}: ${r.failed} requests did not answer 200`)
    if (r.cmdsPerReq !== null && r.cmdsPerReq > 1) problems.push(`${r.label}: ${r.cmdsPerReq.toFixed(2)} Redis commands per request (must be 1: one round trip, no writes)`)
  }
  if (problems.length > 0) {
    console.error(`\nFAIL\n${problems.join('\n')}`)
    process.exitCode = 1
  }
}

if (process.env.BENCH_ROLE === 'server') await serve()
else await main()
