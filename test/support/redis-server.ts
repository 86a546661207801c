/**
 * Starts a throw-away `redis-server` on a free loopback port: never 6379, never persisted.
 * Shared by the global fixture and suites that need a server of their own (e.g. Cluster mode).
 */
import { spawn } from 'node:child_process'
import net from 'node:net'

export interface RedisServer {
  port: number
  url: string
  /** Kills the server (SIGKILL: no shutdown save, as a crash); resolves once it is gone (so it doesn't linger as a zombie). */
  stop(): Promise<void>
  /** Starts a new server with the same arguments on the same port (e.g. after `stop()`, reloading its AOF). */
  restart(): Promise<RedisServer>
}

const running = new Set<RedisServer>()
// `exit: true` in .mocharc may end the process before teardown hooks finish; never leave one behind.
process.once('exit', () => { for (const s of running) void s.stop() })

/**
 * `extraArgs` come last, so they override the defaults (e.g. `--appendonly yes --dir <tmp>` for
 * a server that survives a kill). `port`: bind exactly this one (a restart), else a free one.
 */
export async function startRedisServer(extraArgs: string[] = [], fixedPort?: number): Promise<RedisServer> {
  let lastError: unknown
  // A free port can be taken between probing and binding; a couple of tries covers that race.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = fixedPort ?? await freePort()
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs]
    const child = spawn('redis-server', args, { stdio: 'ignore' })
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject) // ENOENT when redis-server isn't installed
      child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code}`)))
    })
    exited.catch(() => undefined)
    try {
      await Promise.race([waitForPong(port), exited])
      child.unref() // a hung teardown shouldn't keep node alive
      const server: RedisServer = {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop() {
          running.delete(server)
          if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
          const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
          child.ref() // unref'd, node could exit before reaping it, leaving a zombie
          child.kill('SIGKILL')
          return gone
        },
        restart: () => startRedisServer(extraArgs, port),
      }
      running.add(server)
      return server
    } catch (err) {
      lastError = err
      if (child.exitCode === null) child.kill('SIGKILL')
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') break
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => (port === 6379 ? freePort().then(resolve, reject) : resolve(port)))
    })
  })
}

async function waitForPong(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await ping(port)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`)
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    let buf = ''
    const done = (ok: boolean) => { sock.destroy(); resolve(ok) }
    sock.setTimeout(500, () => done(false))
    sock.once('error', () => done(false))
    sock.once('connect', () => sock.write('PING\r\n'))
    sock.on('data', (d) => { buf += d.toString(); if (buf.includes('\r\n')) done(buf.startsWith('+PONG')) })
  })
}
