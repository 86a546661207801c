/**
 * Entry point of a server child process: builds the apps `BENCH_APPS` names (one for a
 * measured run; `--quick` hosts them all in one child to start fast), each listening on its own
 * loopback port, prepares their sessions, then answers the parent's messages (see
 * `ServerProcess`). Only the modules of the apps it hosts are loaded.
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { BenchServer, ServerConfig, ServerKind } from './servers/bench-server.js'

export type ChildRequest = { id: number; app: number; type: 'request' | 'counters' | 'stop' }

/**
 * Running totals: the process' CPU time (user + system, every thread: bcrypt runs on libuv's
 * pool), µs, and the app's requests received and done with.
 */
export interface ChildCounters { cpuMicros: number; requests: number; settled: number }

export type ChildMessage =
  | { type: 'ready'; apps: { port: number; userId?: string }[] }
  | { type: 'failed'; error: string }
  | { id: number; type: 'reply'; value: unknown }

const factories: Record<ServerKind, (config: ServerConfig) => Promise<BenchServer>> = {
  'bare-express': async () => (await import('./servers/bare-express.js')).bareExpress(),
  'bare-middleware': async () => (await import('./servers/bare-middleware.js')).bareMiddleware(),
  'classic-stack': async (c) => (await import('./servers/classic-stack.js')).classicStack(c),
  'passport-jwt': async () => (await import('./servers/passport-jwt-stack.js')).passportJwtStack(),
  'bearer-check': async (c) => (await import('./servers/bearer-check.js')).bearerCheck(c),
  'require-session': async (c) => (await import('./servers/require-session-app.js')).requireSessionApp(c),
  'sign-in': async (c) => (await import('./servers/sign-in-app.js')).signInApp(c),
  'bcrypt-compare': async (c) => (await import('./servers/bcrypt-compare-app.js')).bcryptCompareApp(c),
}

interface Hosted {
  server: BenchServer
  http: ReturnType<BenchServer['app']['listen']>
  origin: string
  requests: number
  settled: number
}

const send = (msg: ChildMessage) => process.send!(msg)

async function host(config: ServerConfig): Promise<Hosted> {
  const server = await factories[config.kind](config)
  const http = server.app.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const hosted: Hosted = { server, http, origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, requests: 0, settled: 0 }
  // Counted by the server, not the load generator: autocannon drops the answers still in
  // flight when a window ends, and those requests did cost CPU and Redis commands. A response
  // closes whether it was sent or its connection went away first.
  http.on('request', (_req, res) => {
    hosted.requests++
    res.on('close', () => {
      hosted.settled++
    })
  })
  return hosted
}

async function main(): Promise<void> {
  const configs = JSON.parse(process.env.BENCH_APPS ?? '') as ServerConfig[]
  const apps: Hosted[] = []
  for (const config of configs) apps.push(await host(config))
  const ids: (string | undefined)[] = []
  for (const a of apps) ids.push((await a.server.prepare(a.origin)).userId)

  process.on('message', (msg: ChildRequest) => {
    void (async () => {
      const a = apps[msg.app]
      if (msg.type === 'request') send({ id: msg.id, type: 'reply', value: await a.server.request(a.origin) })
      if (msg.type === 'counters') {
        const { user, system } = process.cpuUsage()
        send({ id: msg.id, type: 'reply', value: { cpuMicros: user + system, requests: a.requests, settled: a.settled } satisfies ChildCounters })
      }
      if (msg.type === 'stop') {
        for (const x of apps) {
          x.http.closeAllConnections()
          x.http.close()
          await x.server.close().catch(() => undefined)
        }
        send({ id: msg.id, type: 'reply', value: null })
        process.exit(0)
      }
    })().catch((err: Error) => send({ type: 'failed', error: err.stack ?? err.message }))
  })
  // The parent died (or was killed): don't linger holding ports and Redis connections.
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', apps: apps.map((a, i) => ({ port: (a.http.address() as AddressInfo).port, userId: ids[i] })) })
}

main().catch((err: Error) => {
  process.send!({ type: 'failed', error: err.stack ?? err.message } satisfies ChildMessage, () => process.exit(1))
})
