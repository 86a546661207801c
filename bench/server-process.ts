import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildCounters, ChildMessage, ChildRequest } from './server-child.js'
import type { LoadRequest, ServerConfig } from './servers/bench-server.js'

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url))
const START_TIMEOUT_MS = 120_000
/** One sequence for every handle: handles of a shared child must not take each other's replies. */
let nextId = 1

/**
 * The parent's handle on one app in a server child. A measured run gives each variant a child
 * of its own, so the load generator (this process) never shares an event loop with the server
 * it measures, and the child's `process.cpuUsage()` is that variant's server cost alone.
 */
export class ServerProcess {
  readonly name: string
  readonly port: number
  /** The account the server signed in as, when it has one. */
  readonly userId: string | undefined
  readonly #child: ChildProcess
  readonly #app: number

  private constructor(name: string, child: ChildProcess, app: number, port: number, userId: string | undefined) {
    this.name = name
    this.#child = child
    this.#app = app
    this.port = port
    this.userId = userId
  }

  static async start(name: string, config: ServerConfig): Promise<ServerProcess> {
    return (await ServerProcess.startShared([{ name, config }]))[0]
  }

  /**
   * Several apps in one child: what `--quick` uses, since it measures nothing and a child's
   * start (loading TypeScript through tsx, Express, the library) is most of its time. Their
   * CPU counters are the shared process', so never measure with them.
   */
  static async startShared(apps: { name: string; config: ServerConfig }[]): Promise<ServerProcess[]> {
    const label = apps.map((a) => a.name).join(', ')
    const child = fork(CHILD, [], {
      execArgv: process.execArgv, // keeps tsx's loader
      env: { ...process.env, BENCH_APPS: JSON.stringify(apps.map((a) => a.config)) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    child.setMaxListeners(10 + 2 * apps.length) // each handle listens while it waits for a reply
    let timer: NodeJS.Timeout | undefined
    try {
      const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: server not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
        child.once('exit', (code) => reject(new Error(`${label}: server exited with code ${code} before it was ready`)))
        child.on('message', (msg: ChildMessage) => {
          if (msg.type === 'failed') reject(new Error(`${label}: ${msg.error}`))
          if (msg.type === 'ready') resolve(msg)
        })
      }).finally(() => {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        child.removeAllListeners('message')
      })
      return ready.apps.map((a, i) => new ServerProcess(apps[i].name, child, i, a.port, a.userId))
    } catch (err) {
      child.kill('SIGKILL')
      throw err
    }
  }

  /** The child's process id (shared by every app it hosts). */
  get pid(): number {
    return this.#child.pid!
  }

  /** The request the next window repeats. */
  request(): Promise<LoadRequest> {
    return this.#ask('request') as Promise<LoadRequest>
  }

  /** The child's CPU time and this app's requests so far. */
  async counters(): Promise<ChildCounters> {
    return (await this.#ask('counters')) as ChildCounters
  }

  /** Stops the child (with every app it hosts). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#ask('stop').catch(() => undefined)
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  #ask(type: ChildRequest['type']): Promise<unknown> {
    const id = nextId++
    return new Promise((resolve, reject) => {
      const onMessage = (msg: ChildMessage) => {
        if (msg.type === 'failed') finish(() => reject(new Error(`${this.name}: ${msg.error}`)))
        else if (msg.type === 'reply' && msg.id === id) finish(() => resolve(msg.value))
      }
      const onExit = (code: number | null) => finish(() => reject(new Error(`${this.name}: server exited (${code})`)))
      const finish = (settle: () => void) => {
        this.#child.off('message', onMessage)
        this.#child.off('exit', onExit)
        settle()
      }
      this.#child.on('message', onMessage)
      this.#child.once('exit', onExit)
      this.#child.send({ id, app: this.#app, type } satisfies ChildRequest)
    })
  }
}
