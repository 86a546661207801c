import type { Express } from 'express'

/** Which app a child process serves (one module in `bench/servers/` each). */
export type ServerKind =
  | 'bare-express'
  | 'bare-middleware'
  | 'classic-stack'
  | 'passport-jwt'
  | 'bearer-check'
  | 'require-session'
  | 'sign-in'
  | 'bcrypt-compare'

/** What the parent tells a child to build; sent as JSON in `BENCH_CONFIG`. */
export interface ServerConfig {
  kind: ServerKind
  /** A single Redis, or the Cluster's first node when `cluster` is set. */
  redisUrl?: string
  cluster?: boolean
  /** `require-session` only. */
  store?: 'redis' | 'memory'
  /** `require-session` only: how the session reaches the server. */
  carrier?: 'header' | 'cookie' | 'jwt'
  /** `require-session` with RedisStore only: the store's opt-in client-side cache. */
  clientSideCache?: boolean
  /** `bearer-check` only: how its two GETs are sent. */
  roundTrip?: 'promise-all' | 'pipeline'
  /** bcrypt cost for the accounts and hashes a server makes. */
  bcryptCost: number
  /** RedisStore key prefix (the parent seeds and measures under the same one). */
  prefix: string
}

/** The request a load window repeats. */
export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  /** Every answer must have this status (anything else counts as a failure). */
  expectStatus: number
}

/** One app under test, built inside its child process. */
export interface BenchServer {
  app: Express
  /** Runs once the app listens: signs up / in over HTTP the way a client would. Returns the account id, if any. */
  prepare(origin: string): Promise<{ userId?: string }>
  /** The request to load with; called before every window (a JWT is re-minted before it can expire). */
  request(origin: string): Promise<LoadRequest>
  close(): Promise<void>
}
