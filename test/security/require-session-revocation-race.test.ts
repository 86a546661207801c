/**
 * requireSession() must not admit a request on records read before a revocation that has
 * already completed: once `DELETE /v1/account/sessions/...` or a block has been written (and
 * its answer could be on the wire), no later admission may rest on the older read. With records
 * at hand (MemoryStore, a client-side cache hit) the check is concluded from setImmediate, so
 * other requests of the same poll phase run (and can revoke) between the lookup and next().
 */
import assert from 'node:assert/strict'
import type { NextFunction, Request, Response } from 'express'
import request from 'supertest'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeApp, signUpAndIn } from '../support/app.js'
import { describeRedis, redisUrl, uniquePrefix } from '../support/redis.js'
import type { ExpressAccounts } from '../../lib/express-accounts.js'

function fakeExchange(value: string): { req: Request; res: Response; done: Promise<{ status: number }> } {
  let settle: (v: { status: number }) => void = () => undefined
  const done = new Promise<{ status: number }>((r) => { settle = r })
  const req = { headers: { 'x-appwrite-session': value }, method: 'GET', url: '/api/me' } as unknown as Request
  let status = 200
  const res = {
    headersSent: false,
    locals: {},
    status(code: number) { status = code; return this },
    set() { return this },
    setHeader() { return this },
    getHeader() { return undefined },
    type() { return this },
    json() { settle({ status }); return this },
    send() { settle({ status }); return this },
    end() { settle({ status }); return this },
    redirect(code: number) { settle({ status: code }) },
  } as unknown as Response
  return { req, res, done }
}

async function race(accounts: ExpressAccounts, value: string, revoke: () => Promise<unknown>): Promise<string[]> {
  const order: string[] = []
  const { req, res, done } = fakeExchange(value)
  const mw = accounts.requireSession()
  // The lookup of this request happens now; another request of the same poll phase then
  // revokes (its answer may go out before this request is concluded).
  const admitted = new Promise<void>((resolve) => {
    void mw(req, res, (() => { order.push('admitted'); resolve() }) as NextFunction)
  })
  await revoke()
  order.push('revoked')
  await Promise.race([admitted, done.then((r) => { order.push(`refused ${r.status}`) })])
  return order
}

/** Two reads, so a client-side cache holds the records (the at-hand path). */
async function warm(app: import('express').Express, value: string): Promise<void> {
  for (let i = 0; i < 2; i++) await request(app).get('/api/me').set('X-Appwrite-Session', value).expect(200)
}

function cases(setup: () => Promise<{ accounts: ExpressAccounts; app: import('express').Express; close?: () => Promise<void> }>) {
  it('never admits a request after its session was deleted', async () => {
    const { accounts, app, close } = await setup()
    try {
      const user = await signUpAndIn(app)
      await warm(app, user.value)
      const order = await race(accounts, user.value, () => accounts.sessions.delete(user.id, user.sessionId))
      assert.ok(order[0] === 'admitted' || order[1] === 'refused 401', `admitted on a session deleted before: ${order.join(' -> ')}`)
    } finally {
      await close?.()
    }
  })

  it('never admits a request after its account was blocked', async () => {
    const { accounts, app, close } = await setup()
    try {
      const user = await signUpAndIn(app)
      await warm(app, user.value)
      const order = await race(accounts, user.value, () => accounts.users.updateStatus(user.id, false))
      assert.ok(order[0] === 'admitted' || order[1] === 'refused 401' || order[1] === 'refused 403', `admitted for an account blocked before: ${order.join(' -> ')}`)
    } finally {
      await close?.()
    }
  })
}

describe('requireSession() and a revocation completed between lookup and conclusion (MemoryStore)', () => {
  cases(async () => makeApp({ store: new MemoryStore() }))
})

describeRedis('requireSession() and a revocation completed between lookup and conclusion (RedisStore, client-side cache)', () => {
  cases(async () => {
    const store = new RedisStore({ url: redisUrl(), prefix: uniquePrefix('rsrace'), clientSideCache: true })
    const made = makeApp({ store })
    return { ...made, close: () => store.close() }
  })
})
