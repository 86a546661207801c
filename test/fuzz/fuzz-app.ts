/**
 * One fuzz run's world: a fresh store (MemoryStore, or RedisStore under a prefix of its own
 * on the harness Redis), the router with a real SMTP capture and SMS receiver behind it, a
 * configured OAuth2 provider, and {@link TARGET} signed in. `snapshot()` is what a rejected
 * request must leave unchanged.
 */
import express, { type Express } from 'express'
import { createAccounts, SmtpMailer, WebhookSmsSender, type ExpressAccounts } from '../../lib/index.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import type { Store } from '../../lib/store/store.js'
import { deleteByPrefix, dumpByPrefix, keysByPrefix, uniquePrefix, type TestRedisClient } from '../support/redis.js'
import { startSmsReceiver, type SmsReceiver } from '../support/sms-receiver.js'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'
import { TARGET, type RunValues } from './hostile.js'

export const PROJECT = 'test'
export const FUZZ_KEY = 'fuzz-server-key-0123456789'
const SECRET = 'fuzz-secret-that-is-at-least-32-bytes'

export interface FuzzRun extends RunValues {
  app: Express
  accounts: ExpressAccounts
  /** Everything the store holds that a rejected request must not change. */
  snapshot(): Promise<unknown>
  close(): Promise<void>
}

/** Delivery receivers shared by the runs of a suite. */
export interface Delivery {
  mailer: SmtpMailer
  sms: WebhookSmsSender
  close(): Promise<void>
}

export async function startDelivery(): Promise<Delivery> {
  const smtpCapture: SmtpCapture = await startSmtpCapture()
  const smsReceiver: SmsReceiver = await startSmsReceiver()
  return {
    // One adapter each for all runs: a new SMTP transport per run cost more than the run.
    mailer: new SmtpMailer({ url: smtpCapture.url, from: 'no-reply@example.com' }),
    sms: new WebhookSmsSender({ url: smsReceiver.url }),
    async close() { await smtpCapture.close(); await smsReceiver.close() },
  }
}

export interface StoreKind {
  name: string
  /** A new empty store and how to snapshot / drop it. */
  open(): { store: Store; snapshot(): Promise<unknown>; drop(): Promise<void> }
}

export const memoryKind: StoreKind = {
  name: 'MemoryStore',
  open() {
    const store = new MemoryStore()
    // MemoryStore keeps its maps private: the target's records, read through the contract.
    const snapshot = async () => ({
      account: await store.getAccount(TARGET.id),
      sessions: await store.listSessions(TARGET.id),
      email: await store.findAccountId('email', TARGET.email),
      identities: await store.listIdentities(TARGET.id),
      // Every account (a refused `POST /users…` must create none).
      all: await store.queryAccounts({ filters: [], search: [], order: null, limit: 5000, offset: 0, cursor: null, total: true }),
    })
    return { store, snapshot, drop: async () => {} }
  },
}

/**
 * RedisStore: every key and value under the run's prefix (`dumpByPrefix`), by namespace —
 * account data `{a:…}`, claims `u:`, OAuth2 states `o:` — and the counters `rl:`. Counters
 * counted on purpose by a refusal are left out: all of them when rate limits are on, else
 * only the MFA failure budget (every wrong MFA answer spends it, by design).
 */
export function redisKind(client: TestRedisClient, rateLimits: boolean): StoreKind {
  return {
    name: 'RedisStore',
    open() {
      const prefix = uniquePrefix('fuzz')
      const store = new RedisStore({ client, prefix })
      const snapshot = async () => ({
        data: await dumpByPrefix(client, `${prefix}{`),
        claims: await dumpByPrefix(client, `${prefix}u:`),
        once: await dumpByPrefix(client, `${prefix}o:`),
        counters: rateLimits ? 'not compared' : await dumpByPrefix(client, `${prefix}rl:`).then(({ keys }) => keys.filter((k) => !MFA_BUDGET.test(k))),
        others: (await keysByPrefix(client, prefix)).filter((k) => !/^(\{|u:|o:|rl:)/.test(k.slice(prefix.length))).sort(),
      })
      return { store, snapshot, drop: async () => { await deleteByPrefix(client, prefix) } }
    },
  }
}

const MFA_BUDGET = /rl:mfa-(failures|cool-down)\|/

/**
 * The app and core of a suite. Building the router costs ~20 ms (Express compiles every route
 * path), more than a run, so one is built per suite and each run swaps in its own fresh store
 * behind a forwarding Store (every call goes to the run's real store).
 */
export interface World {
  app: Express
  accounts: ExpressAccounts
  use(store: Store): void
}

export function openWorld(delivery: Delivery, rateLimits: boolean): World {
  let current: Store = new MemoryStore()
  const forwarding = new Proxy({} as Store, {
    get(_target, prop) {
      const value = (current as unknown as Record<PropertyKey, unknown>)[prop]
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value
    },
  })
  const accounts = createAccounts({
    store: forwarding, project: PROJECT, secret: SECRET, apiKeys: [FUZZ_KEY], bcryptCost: 4, rateLimits,
    mailer: delivery.mailer,
    sms: delivery.sms,
    allowedRedirectOrigins: ['https://app.example.com'],
    // Never contacted: no generated `state` is one the server minted, so no callback gets that far.
    oauth2: { acme: { clientId: 'c', clientSecret: 's', authorizationUrl: 'http://127.0.0.1:9/authorize', tokenUrl: 'http://127.0.0.1:9/token', userInfoUrl: 'http://127.0.0.1:9/userinfo' } },
  })
  const app = express()
  app.set('trust proxy', false)
  app.use('/v1', accounts.router())
  return { app, accounts, use: (store) => { current = store } }
}

export async function openRun(world: World, kind: StoreKind): Promise<FuzzRun> {
  const { store, snapshot, drop } = kind.open()
  world.use(store)
  const { accounts } = world
  await accounts.createAccount({ userId: TARGET.id, email: TARGET.email, password: TARGET.password, name: 'Fuzz Target' })
  const signIn = await accounts.signInWithPassword({ email: TARGET.email, password: TARGET.password })
  const jwt = await accounts.jwts.create(signIn.account, signIn.session)
  return { app: world.app, accounts, sessionId: signIn.session.id, value: signIn.value, secret: SECRET, jwt, snapshot, close: async () => { await store.close(); await drop() } }
}
