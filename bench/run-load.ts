import http from 'node:http'
import autocannon from 'autocannon'
import type { LoadRequest } from './servers/bench-server.js'

export interface LoadOptions {
  connections: number
  /** Seconds of autocannon load; or `sequential` requests one at a time over one keep-alive connection. */
  duration?: number
  sequential?: number
}

export interface LoadResult {
  /** Answers received, whatever their status. */
  responses: number
  /** Answers with a status other than `expectStatus`, plus errors and timeouts. */
  failures: number
  statuses: Record<string, number>
  seconds: number
  rps: number
  /** Latency percentiles, ms. */
  p50: number
  p99: number
}

/**
 * Repeats `request` against `127.0.0.1:port`: with autocannon (keep-alive connections, no
 * pipelining) for `duration`, or `sequential` times one after the other (autocannon would add a
 * second of its sampling tick to each such short run).
 */
export async function runLoad(port: number, request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  if (options.sequential !== undefined) return runSequential(port, request, options.sequential)
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: options.connections,
    duration: options.duration,
  })
  const statuses: Record<string, number> = {}
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0
  const responses = Object.values(statuses).reduce((a, b) => a + b, 0)
  const expected = statuses[String(request.expectStatus)] ?? 0
  return {
    responses,
    failures: responses - expected + result.errors + result.timeouts,
    statuses,
    seconds: result.duration,
    rps: responses / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
}

async function runSequential(port: number, request: LoadRequest, count: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const statuses: Record<string, number> = {}
  const latencies: number[] = []
  let errors = 0
  const started = process.hrtime.bigint()
  try {
    for (let i = 0; i < count; i++) {
      const t = process.hrtime.bigint()
      const status = await new Promise<number>((resolve) => {
        const req = http.request({ agent, host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', () => resolve(0))
        req.end(request.body)
      })
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
      if (status === 0) errors++
      else statuses[status] = (statuses[status] ?? 0) + 1
    }
  } finally {
    agent.destroy()
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const sorted = latencies.sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0
  const responses = count - errors
  return {
    responses,
    failures: responses - (statuses[String(request.expectStatus)] ?? 0) + errors,
    statuses,
    seconds,
    rps: responses / seconds,
    p50: at(0.5),
    p99: at(0.99),
  }
}
