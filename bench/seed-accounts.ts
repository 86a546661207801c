import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'

export interface SeedReport {
  accounts: number
  sessions: number
  seconds: number
  /** Template keys cloned per account (what one account with its sessions occupies). */
  keysPerAccount: number
}

/** What the bench account owns, as RedisStore wrote it: the template every seeded account copies. */
export interface SeedTemplate {
  userId: string
  email: string
  sessionIds: string[]
}

interface TemplateKey {
  key: string
  /** Remaining lifetime to set with a separate PEXPIRE, ms; -1: none (or set by the write itself). */
  pttl: number
  /** The command that writes the key again, value included (ids still the template's). */
  write: string[]
}

/** Accounts per `execAsPipeline()`: one write, one read of the replies, little per-command overhead. */
const BATCH = 500

/**
 * Fills the Redis with `accounts` copies of the bench account, its sessions and everything else
 * RedisStore wrote for them (claims, the session index), with fresh ids and emails. The format
 * is learnt from the template's own keys rather than written here, so the seeded data stays
 * exactly RedisStore's whatever its key layout; writes are pipelined raw commands, about
 * 4× cheaper than the Store API's scripts and claim loop, which seeds 100,000 accounts in
 * seconds instead of minutes.
 */
export async function seedAccounts(url: string, template: SeedTemplate, accounts: number): Promise<SeedReport> {
  const client = newClient(url)
  await client.connect()
  try {
    const keys = await readTemplate(client, template)
    const started = process.hrtime.bigint()
    for (let from = 0; from < accounts; from += BATCH) {
      const multi = client.multi()
      for (let n = from; n < Math.min(accounts, from + BATCH); n++) {
        const swap = replacer(template, n)
        for (const k of keys) {
          multi.addCommand(k.write.map(swap))
          if (k.pttl > 0) multi.addCommand(['PEXPIRE', swap(k.key), String(k.pttl)])
        }
      }
      const replies = await multi.execAsPipeline()
      const failed = replies.find((r) => r instanceof Error)
      if (failed) throw failed
    }
    return {
      accounts,
      sessions: accounts * template.sessionIds.length,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      keysPerAccount: keys.length,
    }
  } finally {
    await client.close()
  }
}

const newClient = (url: string) => createClient({ url })
type Client = ReturnType<typeof newClient>

/** Every key naming the template account, its email or one of its sessions, read back as a write command. */
async function readTemplate(client: Client, t: SeedTemplate): Promise<TemplateKey[]> {
  const tokens = [t.userId, t.email, ...t.sessionIds]
  const out: TemplateKey[] = []
  for await (const batch of client.scanIterator({ COUNT: 1000 })) {
    for (const key of batch) {
      if (!tokens.some((tok) => key.includes(tok))) continue // not the account's (nothing else is expected here)
      const type = await client.type(key)
      const pttl = Number(await client.pTTL(key))
      let write: string[]
      if (type === 'string') write = ['SET', key, (await client.get(key)) ?? '', ...(pttl > 0 ? ['PX', String(pttl)] : [])]
      else if (type === 'zset') write = ['ZADD', key, ...(await client.zRangeWithScores(key, 0, -1)).flatMap((m) => [String(m.score), m.value])]
      else if (type === 'hash') write = ['HSET', key, ...Object.entries(await client.hGetAll(key)).flat()]
      else if (type === 'set') write = ['SADD', key, ...(await client.sMembers(key))]
      else if (type === 'list') write = ['RPUSH', key, ...(await client.lRange(key, 0, -1))]
      else throw new Error(`seed: cannot clone ${type} key ${key}`)
      out.push({ key, pttl: type === 'string' ? -1 : pttl, write })
    }
  }
  if (!out.some((k) => k.key.includes(t.userId))) throw new Error(`seed: no key of account ${t.userId} found`)
  return out
}

/** Maps template ids and email to the `n`th copy's: same lengths, same alphabet. */
function replacer(t: SeedTemplate, n: number): (s: string) => string {
  const pairs: [string, string][] = [
    [t.userId, randomHex(t.userId.length)],
    [t.email, `seed.${n}@example.com`],
    ...t.sessionIds.map((id): [string, string] => [id, randomHex(id.length)]),
  ]
  return (s) => {
    let r = s
    for (const [from, to] of pairs) if (r.includes(from)) r = r.replaceAll(from, to)
    return r
  }
}

function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length)
}
