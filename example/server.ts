/**
 * Serves the example app (`npm start`). PORT (default 3000; 0 = any free port) and the
 * variables `example/app.ts` reads configure it. SIGINT / SIGTERM close the server, then the store.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const DEFAULT_PORT = 3000
/** How long in-flight requests get to finish on shutdown, milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000

function fail(message: string): never {
  console.error(`example: ${message}`)
  process.exit(1)
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN
  if (!(port >= 0 && port <= 65535)) fail(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(value)})`)
  return port
}

const port = parsePort(process.env.PORT)

// Imported dynamically so that a configuration error prints one clear line, not a stack trace.
const example = await import('./app.js').catch((err: unknown) => {
  if (err instanceof Error && err.name === 'ExampleConfigError') fail(err.message)
  throw err
})
const { app, accounts, storeName } = example

const server = createServer(app)

server.on('error', (err: NodeJS.ErrnoException) => {
  const reason = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message
  console.error(`example: cannot listen on port ${port}: ${reason}`)
  void accounts.store.close().finally(() => process.exit(1))
})

server.listen(port, () => {
  const { port: actual } = server.address() as AddressInfo
  const origin = `http://localhost:${actual}`
  console.log(`express-accounts example listening on ${origin}`)
  console.log(`  Appwrite endpoint  ${origin}/v1   project ${accounts.options.project}`)
  console.log(`  store              ${storeName}${storeName === 'MemoryStore' ? ' (lost on restart; set REDIS_URL to use Redis)' : ''}`)
  console.log(`  server key         ${accounts.options.apiKeys.length > 0 ? 'set (ACCOUNTS_API_KEY)' : 'none (set ACCOUNTS_API_KEY to enable X-Appwrite-Key)'}`)
})

let closing = false
function shutdown(signal: NodeJS.Signals): void {
  // A second signal (e.g. Ctrl-C twice, or tsx relaying the one we already got) changes nothing.
  if (closing) return
  closing = true
  console.log(`example: ${signal} received, closing`)
  setTimeout(() => fail(`requests still open after ${SHUTDOWN_GRACE_MS / 1000} s, exiting anyway`), SHUTDOWN_GRACE_MS).unref()
  // Stop accepting first, then close the store once in-flight requests no longer need it.
  server.close(() => {
    accounts.store.close().then(
      () => console.log('example: closed'),
      (err: unknown) => {
        console.error('example: closing the store failed', err)
        process.exitCode = 1
      },
    )
  })
  server.closeIdleConnections()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
