import assert from 'node:assert/strict'
import { evaluateContext, evaluateTargets } from '../../bench/evaluate-targets.js'
import { readSide, sideKey, type SideWindows } from '../../bench/side-by-side.js'
import type { WindowResult } from '../../bench/running-variant.js'
import type { Rounds, VariantSummary } from '../../bench/summarize.js'
import { VARIANTS } from '../../bench/variants.js'

/** A window of `rps` req/s over 1 s whose server spent `cpuPerRequest` µs on each request. */
const w = (rps: number, cpuPerRequest = 100): WindowResult => ({
  responses: rps, failures: 0, statuses: { 200: rps }, seconds: 1, rps, p50: 1, p99: 2,
  cpuMicros: rps * cpuPerRequest, served: rps, redis: null,
})
const summaries = (names: string[]) => names.map((n) => ({ variant: VARIANTS.find((v) => v.name === n)!, commandRates: null, roundTrips: null }) as VariantSummary)
const cacheTarget = (rounds: Rounds, side: SideWindows) =>
  evaluateTargets(rounds, summaries(['express', 'rs-cached']), side).find((t) => t.target.startsWith('with client-side caching'))!

describe('bench: targets read side by side', () => {
  // One at a time, the cache variant lands in rounds the machine was slow in: 0.5× by req/s.
  // Loaded alongside bare Express over the same seconds it serves 0.9× its req/s, but spends
  // 1.25× its server CPU per request: the side-by-side req/s ratio is pulled toward 1.00× (both
  // load generators share the cores), so the CPU ratio, 0.80×, is what is judged.
  const rounds: Rounds = [new Map([['express', w(6000)], ['rs-cached', w(3000)]])]
  const side: SideWindows = new Map([[sideKey('rs-cached', 'express'), [
    { a: w(2700, 125), b: w(3000, 100) },
    { a: w(1800, 120), b: w(2000, 100) },
    { a: w(3600, 130), b: w(4000, 100) },
  ]]])

  it('judges a GET /me pair by the median server CPU ratio of its side-by-side windows', () => {
    const t = cacheTarget(rounds, side)
    assert.equal(t.met, false)
    assert.match(t.measured, /^\*\*0\.80×\*\* side by side by server CPU \(windows 0\.77–0\.83; by req\/s 0\.90×\); one at a time 0\.50×/)
  })

  it('is met when the side-by-side CPU ratio is, whatever the one-at-a-time rounds say', () => {
    const t = cacheTarget(rounds, new Map([[sideKey('rs-cached', 'express'), [{ a: w(2700, 110), b: w(3000, 100) }, { a: w(2700, 116), b: w(3000, 100) }]]]))
    assert.equal(t.met, true)
  })

  it('falls back to the one-at-a-time rounds when the pair had no side-by-side window', () => {
    const t = cacheTarget(rounds, new Map())
    assert.equal(t.met, false)
    assert.match(t.measured, /^0\.50× \(by server CPU 1\.00×\)$/)
  })

  it('reads the A/A control first in the context table', () => {
    const aa: SideWindows = new Map([[sideKey('express-twin', 'express'), [{ a: w(4900), b: w(5000) }, { a: w(5100), b: w(5000) }]]])
    const rows = evaluateContext([new Map([['express', w(5000)], ['express-twin', w(4000)]])], summaries(['express', 'express-twin']), aa)
    assert.equal(rows[0].pair, 'A/A control: bare Express vs a second bare Express')
    assert.match(rows[0].measured, /^\*\*1\.00×\*\* side by side by server CPU .*; one at a time 0\.80×/)
  })

  it('readSide: median CPU ratio from µs per request and its spread, median req/s ratio', () => {
    const r = readSide(new Map([[sideKey('a', 'b'), [{ a: w(100, 200), b: w(200, 100) }, { a: w(300, 150), b: w(300, 150) }, { a: w(150, 100), b: w(200, 100) }]]]), 'a', 'b')!
    assert.deepEqual({ ratio: r.ratio, cpu: r.cpuRatio, min: r.min, max: r.max, windows: r.windows }, { ratio: 0.75, cpu: 1, min: 0.5, max: 1, windows: 3 })
    assert.equal(readSide(new Map(), 'a', 'b'), null)
  })
})
