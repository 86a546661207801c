/**
 * Variant 4, the practical limit of one Redis round trip: a hand-written bearer check. The
 * token is `<userId>.<secret>`; the session lives under the secret's SHA-256, so both keys are
 * known from the token and the two GETs go out together, either as `Promise.all` (node-redis
 * writes commands of one tick in one batch) or as one `multi().execAsPipeline()`.
 */
import { createHash, randomBytes } from 'node:crypto'
import express from 'express'
import { createClient } from 'redis'
import type { BenchServer, ServerConfig } from './bench-server.js'
import { BENCH_USER } from './bench-user.js'

interface StoredSession { userId: string; expiresAt: number }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export async function bearerCheck(config: ServerConfig): Promise<BenchServer> {
  const client = createClient({ url: config.redisUrl })
  await client.connect()
  const secret = randomBytes(32).toString('hex')
  await client.set(`user:${BENCH_USER.$id}`, JSON.stringify(BENCH_USER))
  const session: StoredSession = { userId: BENCH_USER.$id, expiresAt: Date.now() + 86_400_000 }
  await client.set(`session:${sha256(secret)}`, JSON.stringify(session), { expiration: { type: 'EX', value: 86_400 } })

  const read = config.roundTrip === 'pipeline'
    ? (sessionKey: string, userKey: string) => client.multi().get(sessionKey).get(userKey).execAsPipeline()
    : (sessionKey: string, userKey: string) => Promise.all([client.get(sessionKey), client.get(userKey)])

  const app = express()
  app.get('/me', async (req, res) => {
    const m = /^Bearer ([0-9a-z]+)\.([0-9a-f]{64})$/.exec(req.headers.authorization ?? '')
    if (!m) {
      res.status(401).json({ message: 'Unauthorized' })
      return
    }
    const [rawSession, rawUser] = (await read(`session:${sha256(m[2])}`, `user:${m[1]}`)) as (string | null)[]
    const found = rawSession ? (JSON.parse(rawSession) as StoredSession) : null
    if (!found || found.userId !== m[1] || found.expiresAt <= Date.now() || !rawUser) {
      res.status(401).json({ message: 'Unauthorized' })
      return
    }
    res.json(JSON.parse(rawUser))
  })
  return {
    app,
    prepare: async () => ({ userId: BENCH_USER.$id }),
    request: async () => ({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${BENCH_USER.$id}.${secret}` }, expectStatus: 200 }),
    close: async () => {
      await client.close()
    },
  }
}
