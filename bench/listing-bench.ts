/**
 * The Users `list` scenario (issue 13): a RedisStore with N accounts, and the server time of
 * `GET /users` for a first page, an equality filter, a prefix search (`startsWith` and the
 * `search` param) and a deep cursor page, at two sizes, so the page cost is seen not to grow
 * with the number of accounts. Runs in-process against its own `redis-server`.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express, { type NextFunction, type Request, type Response } from 'express'
import { Query } from 'node-appwrite'
import { createClient } from 'redis'
import { startRedisServer } from '../test/support/redis-server.js'
import { createAccounts, RedisStore } from '../lib/index.js'
import { makeAccount } from '../lib/testing/fixtures.js'

const FIRST = ['ada', 'alan', 'grace', 'edsger', 'barbara', 'donald', 'frances', 'john', 'margaret', 'ken', 'dennis', 'radia', 'tim', 'linus', 'guido', 'bjarne']
const LAST = ['lovelace', 'turing', 'hopper', 'dijkstra', 'liskov', 'knuth', 'allen', 'backus', 'hamilton', 'thompson', 'ritchie', 'perlman', 'berners', 'torvalds', 'rossum', 'stroustrup']
const API_KEY = 'bench-listing-api-key-0001'

export interface ListingCase { name: string; ms: number }
export interface ListingSize { accounts: number; seedSeconds: number; cases: ListingCase[] }
export interface ListingReport { sizes: ListingSize[]; repeats: number }

/** Server time limit per page (issue 13). */
export const LISTING_TARGET_MS = 20

const nameOf = (i: number): [string, string] => [FIRST[i % FIRST.length]!, LAST[Math.floor(i / FIRST.length) % LAST.length]!]
const emailOf = (i: number): string => `${nameOf(i).join('.')}.${i}@example.com`
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Writes `n` account records and lets the store index them (as after an upgrade: one rebuild). */
async function seed(url: string, prefix: string, n: number): Promise<number> {
  const started = process.hrtime.bigint()
  const raw = createClient({ url })
  await raw.connect()
  try {
    const now = Date.now()
    for (let from = 0; from < n; from += 1000) {
      const multi = raw.multi()
      for (let i = from; i < Math.min(n, from + 1000); i++) {
        const [first, last] = nameOf(i)
        const a = makeAccount({
          id: `s${String(i).padStart(9, '0')}`, name: `${first} ${last}`, email: emailOf(i),
          registration: now - (n - i) * 1000, createdAt: now - (n - i) * 1000, status: i % 100 !== 7,
          labels: i % 20 === 3 ? ['vip'] : [],
        })
        multi.set(`${prefix}{a:${a.id}}:account`, JSON.stringify(a))
      }
      await multi.execAsPipeline()
    }
  } finally {
    await raw.close()
  }
  const store = new RedisStore({ url, prefix })
  try {
    await store.reindexAccounts()
  } finally {
    await store.close()
  }
  return Number(process.hrtime.bigint() - started) / 1e9
}

/** Server time of one request: from the router's first middleware to the response's end. */
function timed(): { use: express.RequestHandler; last: () => number } {
  let last = 0
  return {
    use(_req: Request, res: Response, next: NextFunction) {
      const t0 = process.hrtime.bigint()
      res.on('finish', () => { last = Number(process.hrtime.bigint() - t0) / 1e6 })
      next()
    },
    last: () => last,
  }
}

async function measureSize(url: string, n: number, repeats: number): Promise<ListingSize> {
  const prefix = `bench:list:${n}:`
  const seedSeconds = await seed(url, prefix, n)
  const accounts = createAccounts({ store: new RedisStore({ url, prefix }), apiKeys: [API_KEY], secret: 'b'.repeat(32), project: 'bench' })
  const clock = timed()
  const app = express()
  app.use(clock.use)
  app.use('/v1', accounts.router())
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)) })
  const { port } = server.address() as AddressInfo
  const get = async (queries: string[], search?: string): Promise<{ total: number; users: { $id: string }[] }> => {
    const qs = new URLSearchParams()
    for (const [i, q] of queries.entries()) qs.append(`queries[${i}]`, q)
    if (search) qs.append('search', search)
    const r = await fetch(`http://127.0.0.1:${port}/v1/users?${qs}`, { headers: { 'x-appwrite-key': API_KEY, 'x-appwrite-project': 'bench' } })
    if (r.status !== 200) throw new Error(`GET /users answered ${r.status}: ${await r.text()}`)
    return (await r.json()) as { total: number; users: { $id: string }[] }
  }
  try {
    // A cursor 90% of the way down: a deep page that an offset could not reach cheaply.
    const deep = `s${String(Math.floor(n * 0.9)).padStart(9, '0')}`
    const cases: [string, string[], string?][] = [
      ['first page (25)', [Query.limit(25)]],
      ['equality filter (status = false)', [Query.equal('status', false), Query.limit(25)]],
      ['equality filter (email)', [Query.equal('email', emailOf(Math.floor(n / 2)))]],
      ['prefix search (startsWith name "mar")', [Query.startsWith('name', 'mar'), Query.limit(25)]],
      ['search param "torv"', [Query.limit(25)], 'torv'],
      ['deep cursor page (cursorAfter at 90%)', [Query.cursorAfter(deep), Query.limit(25)]],
    ]
    const out: ListingCase[] = []
    await get([Query.limit(1)]) // the store's first listing checks its index once
    for (const [name, queries, search] of cases) {
      const times: number[] = []
      for (let i = 0; i < repeats; i++) {
        const body = await get(queries, search)
        if (body.users.length === 0) throw new Error(`${name}: empty page`)
        times.push(clock.last())
      }
      out.push({ name, ms: median(times) })
    }
    return { accounts: n, seedSeconds, cases: out }
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await accounts.store.close()
  }
}

/** Full: 10,000 vs `accounts` (100,000 by default), 50 requests per case. Quick: 500 vs 2,000, 3 requests (checks it works, no timing claims). */
export async function listingBench(options: { quick: boolean; accounts: number }): Promise<ListingReport> {
  const redis = await startRedisServer()
  try {
    const repeats = options.quick ? 3 : 50
    const sizes = options.quick ? [500, 2000] : [Math.min(10_000, options.accounts), options.accounts]
    const out: ListingSize[] = []
    for (const n of sizes) out.push(await measureSize(redis.url, n, repeats))
    return { sizes: out, repeats }
  } finally {
    await redis.stop()
  }
}

/** The RESULTS section. */
export function listingMarkdown(r: ListingReport): string {
  const [small, big] = [r.sizes[0]!, r.sizes.at(-1)!]
  const rows = big.cases.map((c, i) => `| ${c.name} | ${small.cases[i]!.ms.toFixed(2)} | ${c.ms.toFixed(2)} | ${(c.ms / Math.max(0.001, small.cases[i]!.ms)).toFixed(2)}× |`)
  return [
    '## Users `list` (issue 13)', '',
    `Server time of \`GET /users\` (median of ${r.repeats} requests, from the router's first middleware to the response's end; RedisStore on its own \`redis-server\`), with ${small.accounts.toLocaleString('en-US')} and ${big.accounts.toLocaleString('en-US')} accounts (seeded and indexed in ${small.seedSeconds.toFixed(1)} s / ${big.seedSeconds.toFixed(1)} s).`, '',
    `| page | ms at ${small.accounts.toLocaleString('en-US')} | ms at ${big.accounts.toLocaleString('en-US')} | growth |`, '|---|---|---|---|',
    ...rows, '',
  ].join('\n')
}
