/**
 * Serves the example app (`npm start`). PORT (default 3000; 0 = any free port) and the
 * variables `example/config.ts` lists configure it. The banner names the store, the delivery
 * adapters, where magic links land and each OAuth2 provider's callback URL. SIGINT / SIGTERM
 * close the server, then the store and the delivery adapters.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ExampleConfigError, parsePort } from './config.js'

/** How long in-flight requests get to finish on shutdown, milliseconds. */
const SHUTDOWN_GRACE_MS = 10_000

function fail(message: string): never {
  console.error(`example: ${message}`)
  process.exit(1)
}

function portFromEnv(): number {
  try {
    return parsePort(process.env.PORT)
  } catch (err) {
    if (err instanceof ExampleConfigError) fail(err.message)
    throw err
  }
}

const port = portFromEnv()

// Imported dynamically so that a configuration error prints one clear line, not a stack trace.
const { example, oauth2CallbackUrl } = await import('./app.js').catch((err: unknown) => {
  if (err instanceof Error && err.name === 'ExampleConfigError') fail(err.message)
  throw err
})
const { app, accounts, storeName, delivery } = example

// Fail at boot, not on every request later: a wrong REDIS_URL stops here with the URL (password
// redacted) and the reason.
await example.ready().catch(async (err: unknown) => {
  await example.close().catch(() => undefined)
  fail(`${err instanceof Error ? err.message : String(err)} (check REDIS_URL)`)
})

const server = createServer(app)

server.on('error', (err: NodeJS.ErrnoException) => {
  const reason = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message
  console.error(`example: cannot listen on port ${port}: ${reason}`)
  void example.close().finally(() => process.exit(1))
})

server.listen(port, () => {
  const { port: actual } = server.address() as AddressInfo
  const origin = `http://localhost:${actual}`
  // One write for the whole banner, so whoever reads the first line has all of it.
  const lines: string[] = []
  lines.push(`express-accounts example listening on ${origin}`)
  lines.push(`  Appwrite endpoint  ${origin}/v1   project ${accounts.options.project}`)
  lines.push(`  store              ${storeName}${storeName === 'MemoryStore' ? ' (lost on restart; set REDIS_URL to use Redis)' : ''}`)
  lines.push(`  server key         ${accounts.options.apiKeys.length > 0 ? 'set (ACCOUNTS_API_KEY)' : 'none (set ACCOUNTS_API_KEY to enable X-Appwrite-Key)'}`)
  lines.push(`  email              ${delivery.email === 'smtp' ? 'SMTP (SMTP_URL)' : 'console: codes and links are printed here (set SMTP_URL to send mail)'}`)
  lines.push(`  sms                ${delivery.sms === 'webhook' ? 'webhook (SMS_WEBHOOK_URL)' : 'console: codes are printed here (set SMS_WEBHOOK_URL to send SMS)'}`)
  const trust = app.get('trust proxy') as unknown
  lines.push(`  trust proxy        ${trust === false ? 'off: req.ip is the connecting address (set TRUST_PROXY behind a reverse proxy)' : `${String(trust)} (TRUST_PROXY)`}`)
  const landing = example.magicUrl ?? `no default (PORT=0 and no PUBLIC_URL): requests must name a url, e.g. ${origin}/magic`
  lines.push(`  magic links        ${landing}`)
  const providers = example.oauth2Providers
  if (providers.length === 0) {
    lines.push('  oauth2             none (set OAUTH2_PROVIDERS, e.g. github, with OAUTH2_GITHUB_CLIENT_ID and OAUTH2_GITHUB_CLIENT_SECRET)')
  } else {
    // The URL each provider must have registered; the example sends exactly this one.
    lines.push(`  oauth2             ${providers.join(', ')}; callback URLs to register at the providers:`)
    for (const name of providers) lines.push(`    ${name.padEnd(16)} ${oauth2CallbackUrl(example.publicOrigin ?? origin, name)}`)
  }
  console.log(lines.join('\n'))
})

let closing = false
function shutdown(signal: NodeJS.Signals): void {
  // A second signal (e.g. Ctrl-C twice, or tsx relaying the one we already got) changes nothing.
  if (closing) return
  closing = true
  console.log(`example: ${signal} received, closing`)
  setTimeout(() => fail(`requests still open after ${SHUTDOWN_GRACE_MS / 1000} s, exiting anyway`), SHUTDOWN_GRACE_MS).unref()
  // Stop accepting first, then close the store and mailers once in-flight requests no longer need them.
  server.close(() => {
    example.close().then(
      () => console.log('example: closed'),
      (err: unknown) => {
        console.error('example: closing the store or a mailer failed', err)
        process.exitCode = 1
      },
    )
  })
  server.closeIdleConnections()
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
