import autocannon from 'autocannon'
import type { LoadRequest } from './servers/bench-server.js'

export interface LoadOptions {
  connections: number
  /** Seconds; or `amount` for a fixed number of requests. */
  duration?: number
  amount?: number
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

/** Repeats `request` against `127.0.0.1:port` with autocannon (keep-alive connections, no pipelining). */
export async function runLoad(port: number, request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration }),
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
