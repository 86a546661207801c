import { RunningVariant, type StartOptions } from './running-variant.js'

export interface StartAllOptions extends StartOptions {
  seedAccounts: number
  sessionsPerAccount: number
}
import type { Variant } from './variants.js'

/** Children started at once: more would only make them fight over two cores while compiling. */
const PARALLEL = 3

/** Starts every variant (a few at a time), then seeds the seeded one; on any failure stops those already started and throws. */
export async function startAll(variants: Variant[], options: StartAllOptions): Promise<RunningVariant[]> {
  const started: RunningVariant[] = []
  const queue = [...variants]
  const errors: Error[] = []
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let v = queue.shift(); v && errors.length === 0; v = queue.shift()) {
      try {
        started.push(await RunningVariant.start(v, options))
      } catch (err) {
        errors.push(err as Error)
      }
    }
  }))
  if (errors.length > 0) {
    await stopAll(started)
    throw errors[0]
  }
  // Seeded once every child has started, so no compiling child competes with the seeding.
  try {
    for (const r of started) if (r.variant.redis === 'seeded') await r.seed(options.seedAccounts, options.sessionsPerAccount)
  } catch (err) {
    await stopAll(started)
    throw err
  }
  // Back in table order: the start order depended on which child was ready first.
  return variants.map((v) => started.find((s) => s.variant === v)!)
}

export async function stopAll(running: RunningVariant[]): Promise<void> {
  await Promise.all(running.map((r) => r.stop().catch(() => undefined)))
}
