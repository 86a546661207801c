import assert from 'node:assert/strict'
import { LoadProcess } from '../../bench/load-process.js'
import type { LoadOptions, LoadResult } from '../../bench/run-load.js'
import type { RunningVariant, StartedWindow, WindowResult } from '../../bench/running-variant.js'
import { sideBySide, sidePlan } from '../../bench/side-by-side.js'

describe('bench: side-by-side windows', () => {
  it('sidePlan: over four rounds each side is begun first twice and gets each generator twice, in every combination', () => {
    const plans = [0, 1, 2, 3].map(sidePlan)
    assert.deepEqual(new Set(plans.map((p) => `${p.bFirst}/${p.aGenerator}`)), new Set(['false/0', 'true/0', 'false/1', 'true/1']))
  })

  it('gives each side of a pair each load generator equally often', async () => {
    const started = LoadProcess.start
    const generators: LoadProcess[] = []
    // Two fake generators (no child process); which one a variant's load ran in is recorded.
    LoadProcess.start = async () => {
      const g = { stop: async () => undefined } as unknown as LoadProcess
      generators.push(g)
      return g
    }
    const used: Record<string, number[]> = { express: [], 'express-twin': [] }
    const result: LoadResult = { responses: 100, failures: 0, statuses: { 200: 100 }, seconds: 1, rps: 100, p50: 1, p99: 1 }
    const fake = (name: string) => ({
      variant: { name },
      begin: async (): Promise<StartedWindow> => ({
        request: { method: 'GET', path: '/', headers: {}, expectStatus: 200 } as StartedWindow['request'],
        before: undefined,
        start: { cpuMicros: 0, requests: 0, settled: 0 } as StartedWindow['start'],
        load: async (_: LoadOptions, via?: LoadProcess) => {
          used[name].push(generators.indexOf(via!))
          return result
        },
      }),
      end: async (_: StartedWindow, r: LoadResult): Promise<WindowResult> => ({ ...r, cpuMicros: 1000, served: 100, redis: null }),
    }) as unknown as RunningVariant
    try {
      await sideBySide([fake('express'), fake('express-twin')], { rounds: 4, duration: 1, connections: 1 }, () => undefined)
    } finally {
      LoadProcess.start = started
    }
    // The first window of each pair warms both up and is not counted (round 0's plan: a on
    // generator 0); the four measured ones give each side each generator twice.
    assert.deepEqual(used['express-twin'], [0, 0, 0, 1, 1])
    assert.deepEqual(used.express, [1, 1, 1, 0, 0])
  })
})
