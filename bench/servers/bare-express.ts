import express from 'express'
import type { BenchServer } from './bench-server.js'
import { BENCH_USER } from './bench-user.js'

/** Variant 1, the 1.00 of every ratio: Express 5 answering fixed JSON, no authentication at all. */
export async function bareExpress(): Promise<BenchServer> {
  const app = express()
  app.get('/me', (_req, res) => {
    res.json(BENCH_USER)
  })
  return {
    app,
    prepare: async () => ({}),
    request: async () => ({ method: 'GET', path: '/me', headers: {}, expectStatus: 200 }),
    close: async () => undefined,
  }
}
