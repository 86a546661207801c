/**
 * What sign-in is compared with: an Express route doing nothing but `bcrypt.compare` at the
 * same cost, behind the same JSON body parsing, sent the same body. The gap between the two is
 * what sign-in spends besides the password check (store reads, session write, cookie).
 */
import bcrypt from 'bcrypt'
import express from 'express'
import type { BenchServer, ServerConfig } from './bench-server.js'
import { BENCH_PASSWORD } from './bench-user.js'

export async function bcryptCompareApp(config: ServerConfig): Promise<BenchServer> {
  const hash = await bcrypt.hash(BENCH_PASSWORD, config.bcryptCost)
  const app = express()
  app.post('/compare', express.json(), async (req, res) => {
    const ok = await bcrypt.compare(String((req.body as { password?: unknown })?.password ?? ''), hash)
    res.status(ok ? 200 : 401).json({ ok })
  })
  return {
    app,
    prepare: async () => ({}),
    request: async () => ({
      method: 'POST',
      path: '/compare',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench.signin@example.com', password: BENCH_PASSWORD }),
      expectStatus: 200,
    }),
    close: async () => undefined,
  }
}
