/**
 * Entry point of one server child process: builds the app `BENCH_CONFIG` names, listens on
 * loopback, prepares its session, then answers the parent's messages (see `ServerProcess`).
 * Only the module of its own variant is loaded, so no peer package warms up or patches
 * anything in another variant's process.
 */
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { BenchServer, ServerConfig, ServerKind } from './servers/bench-server.js'

export type ChildRequest = { id: number; type: 'request' | 'counters' | 'stop' }

/** A child's running totals: CPU time (user + system, every thread: bcrypt runs on libuv's pool), µs, and requests received and done with. */
export interface ChildCounters { cpuMicros: number; requests: number; settled: number }
export type ChildMessage =
  | { type: 'ready'; port: number; userId?: string }
  | { type: 'failed'; error: string }
  | { id: number; type: 'reply'; value: unknown }

const factories: Record<ServerKind, (config: ServerConfig) => Promise<BenchServer>> = {
  'bare-express': async () => (await import('./servers/bare-express.js')).bareExpress(),
  'classic-stack': async (c) => (await import('./servers/classic-stack.js')).classicStack(c),
  'passport-jwt': async () => (await import('./servers/passport-jwt-stack.js')).passportJwtStack(),
  'bearer-check': async (c) => (await import('./servers/bearer-check.js')).bearerCheck(c),
  'require-session': async (c) => (await import('./servers/require-session-app.js')).requireSessionApp(c),
  'sign-in': async (c) => (await import('./servers/sign-in-app.js')).signInApp(c),
  'bcrypt-compare': async (c) => (await import('./servers/bcrypt-compare-app.js')).bcryptCompareApp(c),
}

const send = (msg: ChildMessage) => process.send!(msg)

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_CONFIG ?? '') as ServerConfig
  const server = await factories[config.kind](config)
  const http = server.app.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const port = (http.address() as AddressInfo).port
  // Counted by the server, not the load generator: autocannon drops the answers still in
  // flight when a window ends, and those requests did cost CPU and Redis commands. A response
  // closes whether it was sent or its connection went away first.
  let requests = 0
  let settled = 0
  http.on('request', (_req, res) => {
    requests++
    res.on('close', () => {
      settled++
    })
  })
  const origin = `http://127.0.0.1:${port}`
  const { userId } = await server.prepare(origin)

  process.on('message', (msg: ChildRequest) => {
    void (async () => {
      if (msg.type === 'request') send({ id: msg.id, type: 'reply', value: await server.request(origin) })
      if (msg.type === 'counters') {
        const { user, system } = process.cpuUsage()
        send({ id: msg.id, type: 'reply', value: { cpuMicros: user + system, requests, settled } satisfies ChildCounters })
      }
      if (msg.type === 'stop') {
        http.closeAllConnections()
        http.close()
        await server.close().catch(() => undefined)
        send({ id: msg.id, type: 'reply', value: null })
        process.exit(0)
      }
    })().catch((err: Error) => send({ type: 'failed', error: err.stack ?? err.message }))
  })
  // The parent died (or was killed): don't linger holding ports and Redis connections.
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', port, userId })
}

main().catch((err: Error) => {
  process.send!({ type: 'failed', error: err.stack ?? err.message } satisfies ChildMessage, () => process.exit(1))
})
