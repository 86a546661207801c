import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildCounters, ChildMessage, ChildRequest } from './server-child.js'
import type { LoadRequest, ServerConfig } from './servers/bench-server.js'

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url))
const START_TIMEOUT_MS = 60_000

/**
 * The parent's handle on one server child. Each variant gets its own process, so the load
 * generator (this process) never shares an event loop with the server it measures, and a
 * child's `process.cpuUsage()` is that variant's server cost alone.
 */
export class ServerProcess {
  readonly name: string
  readonly port: number
  /** The account the server signed in as, when it has one. */
  readonly userId: string | undefined
  readonly #child: ChildProcess
  #nextId = 1

  private constructor(name: string, child: ChildProcess, port: number, userId: string | undefined) {
    this.name = name
    this.#child = child
    this.port = port
    this.userId = userId
  }

  static async start(name: string, config: ServerConfig): Promise<ServerProcess> {
    const child = fork(CHILD, [], {
      execArgv: process.execArgv, // keeps tsx's loader
      env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    try {
      const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: server not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
        child.once('exit', (code) => reject(new Error(`${name}: server exited with code ${code} before it was ready`)))
        child.on('message', (msg: ChildMessage) => {
          if (msg.type === 'failed') reject(new Error(`${name}: ${msg.error}`))
          if (msg.type === 'ready') resolve(msg)
        })
      }).finally(() => child.removeAllListeners('exit'))
      child.removeAllListeners('message')
      return new ServerProcess(name, child, ready.port, ready.userId)
    } catch (err) {
      child.kill('SIGKILL')
      throw err
    }
  }

  /** The request the next window repeats. */
  request(): Promise<LoadRequest> {
    return this.#ask('request') as Promise<LoadRequest>
  }

  /** The child's CPU time and requests received so far. */
  async counters(): Promise<ChildCounters> {
    return (await this.#ask('counters')) as ChildCounters
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#ask('stop').catch(() => undefined)
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  #ask(type: ChildRequest['type']): Promise<unknown> {
    const id = this.#nextId++
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
      this.#child.send({ id, type } satisfies ChildRequest)
    })
  }
}
