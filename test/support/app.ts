import express, { type Express } from 'express'
import request from 'supertest'
import { createAccounts, type ExpressAccounts } from '../../lib/express-accounts.js'
import type { AccountsOptions } from '../../lib/options.js'

export const PROJECT = 'test'
export const API_KEY = 'test-server-key-0123456789'
export const SECRET = 'test-secret-that-is-at-least-32-bytes-long'

export { TestClock } from './test-clock.js'

export interface TestApp {
  app: Express
  accounts: ExpressAccounts
}

/** An app with the router at /v1 and a requireSession()-guarded /api/me. bcrypt cost 4 for speed; rate limits off unless a test turns them on. */
export function makeApp(options: AccountsOptions = {}): TestApp {
  const accounts = createAccounts({ project: PROJECT, secret: SECRET, apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false, ...options })
  const app = express()
  app.set('trust proxy', false)
  app.use('/v1', accounts.router())
  app.get('/api/me', accounts.requireSession(), (req, res) => {
    res.json({ account: req.account, session: req.accountSession, user: (req as { user?: unknown }).user })
  })
  return { app, accounts }
}

let counter = 0
/** A fresh, unique email per call. */
export function freshEmail(tag = 'user'): string {
  counter += 1
  return `${tag}.${process.pid}.${Date.now()}.${counter}@example.com`
}

export async function signUp(app: Express, email = freshEmail(), password = 'correct-horse-battery'): Promise<{ id: string; email: string; password: string }> {
  const res = await request(app).post('/v1/account').send({ userId: 'unique()', email, password, name: 'Test User' }).expect(201)
  return { id: res.body.$id as string, email, password }
}

/** Signs in with the API key so the response carries the session value. */
export async function signIn(app: Express, email: string, password: string): Promise<{ value: string; sessionId: string }> {
  const res = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email, password }).expect(201)
  return { value: res.body.secret as string, sessionId: res.body.$id as string }
}

export async function signUpAndIn(app: Express): Promise<{ id: string; email: string; password: string; value: string; sessionId: string }> {
  const user = await signUp(app)
  return { ...user, ...(await signIn(app, user.email, user.password)) }
}
