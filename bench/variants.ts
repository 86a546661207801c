import type { ServerConfig } from './servers/bench-server.js'

/** What a variant's server needs from Redis: its own server, one seeded with many accounts, or a 3-master Cluster. */
export type RedisNeed = 'none' | 'single' | 'seeded' | 'cluster'

/** Per-request Redis counts `--quick` insists on (and the results report against). */
export interface RedisExpectation {
  /** Exactly this many commands (the peers: proves they are written as described). */
  commands?: number
  maxCommands?: number
  /** Request batches Redis receives per request, measured with one request in flight. */
  maxRoundTrips?: number
  /** Data-changing writes per request. */
  maxChanges?: number
}

export interface Variant {
  /** The name `--variants` takes. */
  name: string
  label: string
  /** `me`: `GET /me` table, ratio to bare Express; `sign-in`: sign-in table, ratio to raw bcrypt. */
  table: 'me' | 'sign-in'
  server: Pick<ServerConfig, 'kind' | 'store' | 'carrier' | 'roundTrip' | 'clientSideCache'>
  redis: RedisNeed
  /** Each round's ratio is this variant's req/s over the reference's in the same round. */
  reference: string
  expect: RedisExpectation | null
}

const ONE_READ: RedisExpectation = { maxCommands: 1, maxRoundTrips: 1, maxChanges: 0 }

export const VARIANTS: readonly Variant[] = [
  { name: 'express', label: 'bare Express 5, fixed JSON', table: 'me', server: { kind: 'bare-express' }, redis: 'none', reference: 'express', expect: null },
  { name: 'express-twin', label: 'bare Express 5 again, a second server (A/A control: what the method reads between equals)', table: 'me', server: { kind: 'bare-express' }, redis: 'none', reference: 'express', expect: null },
  { name: 'express-mw', label: 'hand-written in-process check: Map lookup, req.user copy, next()', table: 'me', server: { kind: 'bare-middleware' }, redis: 'none', reference: 'express', expect: null },
  { name: 'classic', label: 'express-session + connect-redis + passport.session()', table: 'me', server: { kind: 'classic-stack' }, redis: 'single', reference: 'express', expect: { commands: 3 } },
  { name: 'passport-jwt', label: 'passport-jwt, stateless, KeyObject secret', table: 'me', server: { kind: 'passport-jwt' }, redis: 'none', reference: 'express', expect: null },
  { name: 'bearer-all', label: 'hand-written bearer, 2 GETs, Promise.all', table: 'me', server: { kind: 'bearer-check', roundTrip: 'promise-all' }, redis: 'single', reference: 'express', expect: { commands: 2, maxRoundTrips: 1, maxChanges: 0 } },
  { name: 'bearer-pipeline', label: 'hand-written bearer, 2 GETs, multi().execAsPipeline()', table: 'me', server: { kind: 'bearer-check', roundTrip: 'pipeline' }, redis: 'single', reference: 'express', expect: { commands: 2, maxRoundTrips: 1, maxChanges: 0 } },
  { name: 'rs-header', label: 'requireSession(), RedisStore, X-Appwrite-Session', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'header' }, redis: 'single', reference: 'express', expect: ONE_READ },
  { name: 'rs-cookie', label: 'requireSession(), RedisStore, cookie', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'cookie' }, redis: 'single', reference: 'express', expect: ONE_READ },
  { name: 'rs-jwt', label: 'requireSession(), RedisStore, X-Appwrite-JWT', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'jwt' }, redis: 'single', reference: 'express', expect: ONE_READ },
  { name: 'rs-memory', label: 'requireSession(), MemoryStore, X-Appwrite-Session', table: 'me', server: { kind: 'require-session', store: 'memory', carrier: 'header' }, redis: 'none', reference: 'express', expect: null },
  { name: 'rs-seeded', label: 'requireSession(), RedisStore, X-Appwrite-Session, seeded', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'header' }, redis: 'seeded', reference: 'express', expect: ONE_READ },
  { name: 'rs-cluster', label: 'requireSession(), RedisStore on a 3-master Cluster, X-Appwrite-Session', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'header' }, redis: 'cluster', reference: 'express', expect: ONE_READ },
  { name: 'rs-cached', label: 'requireSession(), RedisStore with clientSideCache, X-Appwrite-Session', table: 'me', server: { kind: 'require-session', store: 'redis', carrier: 'header', clientSideCache: true }, redis: 'single', reference: 'express', expect: { maxRoundTrips: 1, maxChanges: 0 } },
  { name: 'signin', label: 'POST /v1/account/sessions/email (router, RedisStore)', table: 'sign-in', server: { kind: 'sign-in' }, redis: 'single', reference: 'bcrypt', expect: null },
  { name: 'bcrypt', label: 'raw bcrypt.compare behind an Express route', table: 'sign-in', server: { kind: 'bcrypt-compare' }, redis: 'none', reference: 'bcrypt', expect: null },
]

/**
 * The variants `--variants` names, in table order, plus every variant a chosen one is compared
 * with (its reference, and the pairs the targets read), so no ratio is left without its base.
 */
export function selectVariants(names: string[] | null): Variant[] {
  if (names === null) return [...VARIANTS]
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n))
  if (unknown.length > 0) throw new Error(`unknown variant(s): ${unknown.join(', ')} (known: ${VARIANTS.map((v) => v.name).join(', ')})`)
  const wanted = new Set(names)
  for (const n of names) {
    const v = VARIANTS.find((x) => x.name === n)!
    wanted.add(v.reference)
    if (n === 'rs-seeded' || n === 'rs-cluster') wanted.add('rs-header')
    if (n === 'rs-memory' || n === 'rs-cached') wanted.add('express-mw')
  }
  return VARIANTS.filter((v) => wanted.has(v.name))
}
