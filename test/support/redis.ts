/**
 * Helpers for suites that need the Redis started by ./global-setup.ts.
 * Tests never FLUSHALL: each suite works under its own random key prefix and deletes by prefix.
 */
import { randomBytes } from 'node:crypto'
import { createClient } from 'redis'

const newClient = (url: string) => createClient({ url })
export type TestRedisClient = ReturnType<typeof newClient>

/** The harness' Redis URL, or undefined when there is none (only possible without REQUIRE_REDIS). */
export function redisUrl(): string | undefined {
  return process.env.REDIS_URL || undefined
}

/** Call from a `before` hook: skips the suite when there is no Redis (fails with REQUIRE_REDIS=1). */
export function requireRedisOrSkip(ctx: Mocha.Context): string {
  const url = redisUrl()
  if (url) return url
  if (process.env.REQUIRE_REDIS === '1') throw new Error('REQUIRE_REDIS=1 but no Redis is available')
  ctx.skip()
}

/** `describe` whose tests skip when there is no Redis. */
export function describeRedis(title: string, fn: (this: Mocha.Suite) => void): Mocha.Suite {
  return describe(title, function () {
    before(function () {
      requireRedisOrSkip(this)
    })
    fn.call(this)
  })
}

/** A new client connected to the harness' Redis; the caller closes it. */
export async function connectedClient(url = redisUrl()): Promise<TestRedisClient> {
  if (!url) throw new Error('no REDIS_URL')
  const client = newClient(url)
  client.on('error', () => undefined) // connection errors surface on the commands
  await client.connect()
  return client
}

/** Which script call a {@link failingScript} client fails: its keys and arguments. */
export type ScriptCall = { keys: string[]; arguments: string[] }

/**
 * `client`, except that the first script call (EVAL / EVALSHA) that `matches` fails as a dropped
 * connection does: `'before'` Redis runs it, or `'after'` (it ran; only its reply is lost).
 */
export function failingScript(client: TestRedisClient, matches: (call: ScriptCall) => boolean, when: 'before' | 'after'): TestRedisClient {
  let armed = true
  const lost = () => Object.assign(new Error('Socket closed unexpectedly'), { name: 'SocketClosedUnexpectedlyError' })
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown
      if (typeof value !== 'function') return value
      if (prop !== 'evalSha' && prop !== 'eval') return value.bind(target)
      return async (script: string, call: ScriptCall) => {
        const hit = armed && matches(call)
        if (hit && when === 'before') {
          armed = false
          throw lost()
        }
        // An EVALSHA that fails (NOSCRIPT: the store retries with EVAL) did not run the script.
        const reply = (await value.call(target, script, call)) as unknown
        if (hit) {
          armed = false
          throw lost()
        }
        return reply
      }
    },
  })
}

/** A key prefix no other test uses, e.g. `t:sessions:3f9a…:`. Never contains `{` or `}`. */
export function uniquePrefix(label = 'test'): string {
  return `t:${label}:${randomBytes(6).toString('hex')}:`
}

/** Every key under `prefix` (SCAN, so fine on a shared server). */
export async function keysByPrefix(client: TestRedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = []
  for await (const batch of client.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 500 })) keys.push(...batch)
  return keys
}

/**
 * Every key under `prefix` and every value they hold (strings, hash fields and values, set, list
 * and sorted-set members with scores), in key order: two dumps of unchanged data are equal even
 * when SCAN's order changed in between (other suites' keys make the server rehash).
 */
export async function dumpByPrefix(client: TestRedisClient, prefix: string): Promise<{ keys: string[]; values: string[] }> {
  const keys = (await keysByPrefix(client, prefix)).sort()
  const values: string[] = []
  for (const key of keys) {
    const type = await client.type(key)
    if (type === 'string') values.push((await client.get(key)) ?? '')
    else if (type === 'hash') for (const [f, v] of Object.entries(await client.hGetAll(key))) values.push(f, v)
    else if (type === 'set') values.push(...(await client.sMembers(key)))
    else if (type === 'list') values.push(...(await client.lRange(key, 0, -1)))
    else if (type === 'zset') for (const m of await client.zRangeWithScores(key, 0, -1)) values.push(m.value, String(m.score))
    else throw new Error(`unexpected key type ${type} at ${key}`)
  }
  return { keys, values }
}

export async function deleteByPrefix(client: TestRedisClient, prefix: string): Promise<number> {
  const keys = await keysByPrefix(client, prefix)
  for (const key of keys) await client.unlink(key) // one by one: keys may sit in different slots
  return keys.length
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`)
}
