/**
 * Serves the passport example (`example/passport-app.ts`): `tsx example/passport-server.ts`.
 * PORT (default 3001, so it runs next to `npm start`'s 3000; 0 = any free port) and the variables listed in passport-app.ts
 * configure it. SIGINT / SIGTERM stop taking requests, then close the Redis connection.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ExampleConfigError, parsePort, setting } from './config.js'
import { createPassportExampleApp, type PassportExample } from './passport-app.js'

/** Next to the main example's 3000: the two link to each other at these ports. */
const DEFAULT_PASSPORT_PORT = 3001

/** How long in-flight requests get to finish on shutdown, milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000

function fail(message: string): never {
  console.error(`passport example: ${message}`)
  process.exit(1)
}

let example: PassportExample
let port: number
try {
  port = setting(process.env.PORT) === undefined ? DEFAULT_PASSPORT_PORT : parsePort(process.env.PORT)
  example = await createPassportExampleApp(process.env)
} catch (err) {
  // A configuration error prints one clear line, not a stack trace.
  if (err instanceof ExampleConfigError || err instanceof TypeError) fail(err.message)
  fail(`cannot start: ${(err as Error).message ?? String(err)}`)
}

const server = createServer(example.app)
server.on('error', (err: NodeJS.ErrnoException) => {
  const reason = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message
  void example.close().finally(() => fail(`cannot listen on port ${port}: ${reason}`))
})
server.listen(port, () => {
  const { port: actual } = server.address() as AddressInfo
  console.log(`express-accounts passport example listening on http://localhost:${actual}`)
  console.log(`  stores  ${example.storeName === 'RedisStore' ? 'Redis (REDIS_URL): accounts + connect-redis sessions' : 'in memory (set REDIS_URL to use Redis)'}`)
  console.log('  email   console: sign-in codes are printed here')
})

let closing = false
function shutdown(signal: NodeJS.Signals): void {
  if (closing) return
  closing = true
  console.log(`passport example: ${signal} received, closing`)
  setTimeout(() => fail(`requests still open after ${SHUTDOWN_GRACE_MS / 1000} s, exiting anyway`), SHUTDOWN_GRACE_MS).unref()
  // Stop accepting first, then close Redis once in-flight requests no longer need it.
  server.close(() => {
    example.close().then(
      () => console.log('passport example: closed'),
      (err: unknown) => {
        console.error('passport example: closing Redis failed', err)
        process.exitCode = 1
      },
    )
  })
  server.closeIdleConnections()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
