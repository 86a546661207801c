/**
 * Shared plumbing for the SDK conformance suites: a real Express server on a free port per
 * scenario, the store cases (MemoryStore always, RedisStore when the harness gives
 * REDIS_URL), a fake clock so datetimes can be asserted exactly, and model/error checks
 * written from the wire reference (../shared/appwrite-account-wire.md).
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { Account, Client } from 'node-appwrite'
import { createAccounts, MemoryStore, RedisStore, type ExpressAccounts } from '../../lib/index.js'
import type { AccountsOptions, Store } from '../../lib/index.js'
import { connectedClient, deleteByPrefix, requireRedisOrSkip, uniquePrefix } from '../support/redis.js'
import { sharedCluster, type TestClusterClient } from '../support/redis-cluster.js'
import { TestClock } from '../support/test-clock.js'

export const PROJECT = 'test'
/** `createAccounts` wants keys of at least 16 characters. */
export const API_KEY = 'server-key-sdk-conformance'
export const PASSWORD = 'correct horse battery'
/** Appwrite's datetime format (wire §2.5). */
export const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/
export const DAY = 24 * 3600 * 1000
/** Default session lifetime (DESIGN.md: 30 days). */
export const SESSION_LIFETIME = 30 * DAY
/** The UA Appwrite's e2e tests sign in with. */
export const CHROME_70_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36'
/** What node-appwrite 27.1.0 sends as User-Agent (its getUserAgent()). */
export const NODE_SDK_UA = `AppwriteNodeJSSDK/27.1.0 (${process.platform}; ${process.arch}) Node.js/${process.version}`

/** Account model keys in Appwrite's order (wire §2.5). */
const ACCOUNT_KEYS = [
  '$id', '$createdAt', '$updatedAt', 'name', 'registration', 'status', 'labels', 'passwordUpdate',
  'email', 'phone', 'emailVerification', 'emailCanonical', 'emailIsFree', 'emailIsDisposable',
  'emailIsCorporate', 'emailIsCanonical', 'phoneVerification', 'mfa', 'prefs', 'targets',
  'accessedAt', 'impersonator', 'impersonatorUserId',
]
/** Session model keys in Appwrite's order (wire §2.5). */
const SESSION_KEYS = [
  '$id', '$createdAt', '$updatedAt', 'userId', 'expire', 'provider', 'providerUid',
  'providerAccessToken', 'providerAccessTokenExpiry', 'providerRefreshToken', 'ip', 'osCode',
  'osName', 'osVersion', 'clientType', 'clientCode', 'clientName', 'clientVersion', 'clientEngine',
  'clientEngineVersion', 'deviceName', 'deviceBrand', 'deviceModel', 'countryCode', 'countryName',
  'current', 'factors', 'secret', 'mfaUpdatedAt',
]
/** The Session fields derived from the User-Agent. */
const UA_FIELDS = [
  'osCode', 'osName', 'osVersion', 'clientType', 'clientCode', 'clientName', 'clientVersion',
  'clientEngine', 'clientEngineVersion', 'deviceName', 'deviceBrand', 'deviceModel',
] as const

// ── node-appwrite clients ──

/** node-appwrite Account services against `endpoint`, one per way of calling. */
export function nodeClients(endpoint: string) {
  const base = () => new Client().setEndpoint(endpoint).setProject(PROJECT)
  return {
    guest: new Account(base()),
    key: new Account(base().setKey(API_KEY)),
    withSession: (secret: string) => new Account(base().setSession(secret)),
    /** A key client that also carries a session: keys skip "session already exists". */
    keyWithSession: (secret: string) => new Account(base().setKey(API_KEY).setSession(secret)),
    keyForwarding: (userAgent: string) => new Account(base().setKey(API_KEY).setForwardedUserAgent(userAgent)),
  }
}

// ── stores ──────────────────────────────────────────────────────────────────

export interface StoreCase {
  name: string
  /** Call from a `before` hook: skips the suite when the store is not available (Redis without REDIS_URL; fails with REQUIRE_REDIS=1). */
  available(ctx: Mocha.Context): void
  /** Readies what `create()` needs (e.g. starts the run's shared cluster); `startServer` awaits it. */
  prepare?(): Promise<void>
  create(): { store: Store; cleanup(): Promise<void> }
}

export const MEMORY: StoreCase = {
  name: 'MemoryStore',
  available() {},
  create: () => ({ store: new MemoryStore(), cleanup: async () => {} }),
}

/** A RedisStore case under a key prefix the test knows (to scan or inspect its keys). */
export function redisCase(label = 'sdk'): StoreCase & { prefix: string } {
  const prefix = uniquePrefix(label)
  return {
    name: 'RedisStore',
    prefix,
    available(ctx) {
      requireRedisOrSkip(ctx)
    },
    create() {
      const url = process.env.REDIS_URL as string
      return {
        store: new RedisStore({ url, prefix }),
        async cleanup() {
          const client = await connectedClient(url)
          try {
            await deleteByPrefix(client, prefix)
          } finally {
            await client.quit()
          }
        },
      }
    },
  }
}

/** RedisStore with a random prefix per scenario: scenarios never see each other's keys or counters. */
export const REDIS: StoreCase = {
  name: 'RedisStore',
  available: (ctx) => requireRedisOrSkip(ctx),
  create: () => redisCase('sdk').create(),
}

let clusterClient: TestClusterClient | undefined

/**
 * RedisStore on the run's shared 3-master Redis Cluster (test/support/redis-cluster.ts), a
 * random prefix per scenario: the router's scripts and multi-key reads must keep every call
 * on one slot, which only a cluster checks. The cluster is thrown away at the end of the run,
 * so no key cleanup.
 */
export const CLUSTER: StoreCase = {
  name: 'RedisStore on Cluster',
  available: (ctx) => requireRedisOrSkip(ctx),
  async prepare() {
    clusterClient ??= (await sharedCluster()).client
  },
  create() {
    if (!clusterClient) throw new Error('CLUSTER.prepare() must run first (startServer awaits it)')
    return { store: new RedisStore({ client: clusterClient, prefix: uniquePrefix('sdkc') }), cleanup: async () => {} }
  },
}

// ── server ──────────────────────────────────────────────────────────────────


export interface TestServer {
  endpoint: string
  clock: TestClock
  /** The account system behind the router (to reach real parts such as the bcrypt gate). */
  accounts: ExpressAccounts
  close(): Promise<void>
}

/** An Express app with the router at `/v1` on 127.0.0.1, a fresh store and a fake clock. */
export async function startServer(sc: StoreCase, options: Partial<AccountsOptions> = {}): Promise<TestServer> {
  const clock = new TestClock()
  await sc.prepare?.()
  const { store, cleanup } = sc.create()
  const accounts = createAccounts({
    store,
    project: PROJECT,
    secret: 'x'.repeat(32),
    apiKeys: [API_KEY],
    bcryptCost: 4, // speed; the cost itself is tested elsewhere
    clock,
    ...options,
  })
  const app = express()
  app.use('/v1', accounts.router())
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}/v1`,
    clock,
    accounts,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
      await cleanup()
    },
  }
}

// ── data ────────────────────────────────────────────────────────────────────

let counter = 0
/** A fresh address with upper-case letters (the server must lowercase it). */
export function uniqueEmail(tag = 'user'): string {
  counter += 1
  return `${tag}.${counter}.${randomBytes(3).toString('hex')}@Example.COM`
}

/** Appwrite's datetime rendering of an epoch-ms time. */
export function fmt(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00')
}

/**
 * A plain-JSON copy: the SDKs parse with json-bigint, which builds null-prototype objects
 * that `assert.deepStrictEqual` tells apart from `{}` literals.
 */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** The session value carriers hold: base64 of JSON `{id, secret}`. */
export function decodeSessionValue(value: string): { id: string; secret: string } {
  const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { id: string; secret: string }
  assert.equal(Buffer.from(JSON.stringify(decoded)).toString('base64'), value, 'standard base64 of compact JSON')
  return decoded
}

// ── errors ──────────────────────────────────────────────────────────────────

/** What both SDKs throw: `code` is the HTTP status, `type` comes from the body. */
export interface SdkError {
  code: number
  type: string
  message: string
  response: string
}

/** Resolves with the SDK error a promise rejects with; fails when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    const value = await promise
    return { code: -1, type: 'resolved', message: JSON.stringify(value), response: '' }
  } catch (err) {
    return err as SdkError
  }
}

/** Asserts an SDK failure (a promise, or an error captured with `failure()`). */
export async function expectError(
  got: Promise<unknown> | SdkError,
  code: number,
  type: string,
  message?: string | RegExp,
): Promise<SdkError> {
  const err = got instanceof Promise ? await failure(got) : got
  assert.deepEqual({ code: err.code, type: err.type }, { code, type }, `got ${err.code} ${err.type}: ${err.message}`)
  if (typeof message === 'string') assert.equal(err.message, message)
  else if (message) assert.match(err.message, message)
  const body = JSON.parse(err.response) as Record<string, unknown>
  assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'type', 'version'], 'Appwrite error body')
  assert.equal(body.code, code)
  return err
}

export const GUEST_SCOPE_MESSAGE = 'User (role: guests) missing scopes (["account"])'

// ── models ──────────────────────────────────────────────────────────────────

type Model = Record<string, unknown>

/** Keys, types and formats every Account response must have. */
export function assertAccountShape(a: object): void {
  const m = a as Model
  assert.deepEqual(Object.keys(m), ACCOUNT_KEYS)
  for (const k of ['$createdAt', '$updatedAt', 'registration', 'accessedAt']) assert.match(m[k] as string, DATETIME, k)
  if (m.passwordUpdate !== '') assert.match(m.passwordUpdate as string, DATETIME, 'passwordUpdate')
  // Computed from the email as Appwrite does (lib/email-facts.ts); all null without one.
  const facts = ['emailCanonical', 'emailIsFree', 'emailIsDisposable', 'emailIsCorporate', 'emailIsCanonical']
  if (m.email === '') for (const k of facts) assert.equal(m[k], null, k)
  else assert.deepEqual(facts.map((k) => m[k] === null), [false, false, false, false, false])
  assert.equal(m.impersonator, false)
  assert.equal(m.impersonatorUserId, null)
  assert.ok(m.prefs && typeof m.prefs === 'object' && !Array.isArray(m.prefs), 'prefs is an object')
  assert.ok(Array.isArray(m.targets), 'targets is an array')
}

/** The email target Appwrite keeps for an account with an email (wire §2.4 POST /account). */
export function assertEmailTarget(a: { $id: string; email: string; targets: unknown[] }): void {
  assert.equal(a.targets.length, 1)
  const t = a.targets[0] as Model
  assert.deepEqual(Object.keys(t), ['$id', '$createdAt', '$updatedAt', 'name', 'userId', 'providerId', 'providerType', 'identifier', 'expired'])
  assert.deepEqual(
    { name: t.name, userId: t.userId, providerId: t.providerId, providerType: t.providerType, identifier: t.identifier, expired: t.expired },
    { name: '', userId: a.$id, providerId: null, providerType: 'email', identifier: a.email, expired: false },
  )
  assert.match(t.$createdAt as string, DATETIME)
}

/** Keys, types and formats every Session response must have. */
export function assertSessionShape(s: object): void {
  const m = s as Model
  assert.deepEqual(Object.keys(m), SESSION_KEYS)
  for (const k of ['$createdAt', '$updatedAt', 'expire']) assert.match(m[k] as string, DATETIME, k)
  for (const k of SESSION_KEYS) {
    if (k === 'current') assert.equal(typeof m[k], 'boolean', k)
    else if (k === 'factors') assert.ok(Array.isArray(m[k]), k)
    else assert.equal(typeof m[k], 'string', k)
  }
  assert.equal(m.countryCode, '--')
  assert.equal(m.countryName, 'Unknown')
}

/** The User-Agent derived fields of a session. */
export function uaFields(s: object): Record<string, unknown> {
  const m = s as Model
  return Object.fromEntries(UA_FIELDS.map((k) => [k, m[k]]))
}

// ── raw HTTP (routes without an SDK method, headers the SDKs hide) ──────────

export interface RawOptions {
  method?: string
  session?: string
  key?: string
  userAgent?: string
  headers?: Record<string, string>
  body?: unknown
}

export async function raw(endpoint: string, path: string, o: RawOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, 'content-type': 'application/json', ...o.headers }
  if (o.session) headers['x-appwrite-session'] = o.session
  if (o.key) headers['x-appwrite-key'] = o.key
  if (o.userAgent) headers['user-agent'] = o.userAgent
  const method = o.method ?? 'GET'
  const body = method === 'GET' ? undefined : JSON.stringify(o.body ?? {})
  return fetch(endpoint + path, { method, headers, body })
}
