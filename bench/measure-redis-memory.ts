import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createClient } from 'redis'
import { createAccounts, RedisStore } from '../lib/index.js'
import { startRedisServer } from '../test/support/redis-server.js'
import { PROJECT, SECRET, signIn, signUp } from './servers/appwrite-client.js'

export interface RedisMemoryReport {
  /** `MEMORY USAGE` (SAMPLES 0) of every key one account creates, bytes. */
  perAccount: number
  /** Growth per session over `sessions` sign-ins (its own key plus its share of the account's session index), bytes. */
  perSession: number
  sessions: number
  /** Each key with the account and session ids shown as `<account>` / `<session>`, and its bytes after the sign-ins. */
  keys: { key: string; bytes: number }[]
}

const PREFIX = 'acc:'

/**
 * Bytes Redis spends on one account and one session, read with `MEMORY USAGE` from a fresh
 * Redis after signing up and signing in over the router, so the keys are exactly the ones
 * RedisStore writes (whatever its layout) and the session records a real browser client.
 */
export async function measureRedisMemory(sessions = 5): Promise<RedisMemoryReport> {
  const redis = await startRedisServer()
  const store = new RedisStore({ url: redis.url, prefix: PREFIX })
  // Rate limits off: their counters would be counted as the account's bytes. Cost 4: a hash's length does not depend on it.
  const accounts = createAccounts({ store, project: PROJECT, secret: SECRET, rateLimits: false, bcryptCost: 4, maxSessions: sessions })
  const app = express()
  app.use('/v1', accounts.router())
  const http = app.listen(0, '127.0.0.1')
  const client = createClient({ url: redis.url })
  try {
    await once(http, 'listening')
    await client.connect()
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    const usage = async () => {
      const out = new Map<string, number>()
      for await (const batch of client.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) {
        for (const key of batch) out.set(key, Number(await client.memoryUsage(key, { SAMPLES: 0 })))
      }
      return out
    }
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)

    const email = 'bench.memory@example.com'
    const userId = await signUp(origin, email)
    const afterAccount = await usage()
    const sessionIds: string[] = []
    for (let i = 0; i < sessions; i++) {
      await signIn(origin, email)
      sessionIds.push(...(await store.listSessions(userId)).map((s) => s.id).filter((id) => !sessionIds.includes(id)))
    }
    const afterSessions = await usage()
    const name = (key: string) => {
      let k = key.replace(userId, '<account>')
      for (const id of sessionIds) k = k.replace(id, '<session>')
      return k
    }
    const keys = new Map<string, number>()
    for (const [key, bytes] of afterSessions) if (!keys.has(name(key))) keys.set(name(key), bytes)
    return {
      perAccount: sum(afterAccount),
      perSession: (sum(afterSessions) - sum(afterAccount)) / sessions,
      sessions,
      keys: [...keys].map(([key, bytes]) => ({ key, bytes })),
    }
  } finally {
    http.close()
    await client.close().catch(() => undefined)
    await store.close()
    await redis.stop()
  }
}
