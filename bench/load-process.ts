import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { LoadChildReply, LoadChildRequest } from './load-child.js'
import type { LoadOptions, LoadResult } from './run-load.js'
import type { LoadRequest } from './servers/bench-server.js'

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url))
const START_TIMEOUT_MS = 60_000

/**
 * The parent's handle on a load generator child (load-child.ts). The side-by-side windows load
 * a variant and bare Express at the same moment, one generator each: both see the same machine
 * (the same neighbours on the VM, the same core frequency), which sequential windows never do.
 */
export class LoadProcess {
  readonly #child: ChildProcess
  #nextId = 1

  private constructor(child: ChildProcess) {
    this.#child = child
  }

  static async start(): Promise<LoadProcess> {
    const child = fork(CHILD, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let timer: NodeJS.Timeout | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`load generator not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
        child.once('exit', (code) => reject(new Error(`load generator exited with code ${code} before it was ready`)))
        child.once('message', () => resolve())
      }).finally(() => {
        clearTimeout(timer)
        child.removeAllListeners('exit')
      })
      return new LoadProcess(child)
    } catch (err) {
      child.kill('SIGKILL')
      throw err
    }
  }

  /** One window of load on `127.0.0.1:port`, run in the child; at `startAt` (`Date.now()`) if given. */
  run(port: number, request: LoadRequest, load: LoadOptions, startAt?: number): Promise<LoadResult> {
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const onMessage = (msg: LoadChildReply) => {
        if (msg.id !== id) return
        finish()
        if ('error' in msg) reject(new Error(`load generator: ${msg.error}`))
        else resolve(msg.result)
      }
      const onExit = (code: number | null) => {
        finish()
        reject(new Error(`load generator exited (${code})`))
      }
      const finish = () => {
        this.#child.off('message', onMessage)
        this.#child.off('exit', onExit)
      }
      this.#child.on('message', onMessage)
      this.#child.once('exit', onExit)
      this.#child.send({ id, port, request, load, startAt } satisfies LoadChildRequest)
    })
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.disconnect()
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
}
