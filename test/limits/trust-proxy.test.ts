/**
 * Finding 13: behind a reverse proxy without Express' `trust proxy`, `req.ip` is the proxy's
 * address, so every client shares one per-IP allowance (one abuser exhausts it for all).
 * The example now reads `TRUST_PROXY`, and the router warns once when requests arrive with
 * `X-Forwarded-For` while `trust proxy` ignores it.
 */
import assert from 'node:assert/strict'
import express from 'express'
import request from 'supertest'
import { createExampleApp } from '../../example/app.js'
import { createAccounts } from '../../lib/index.js'
import { uniqueEmail } from './support.js'

const SECRET = 'example-test-secret-at-least-32-bytes!'

/** Process warnings with our code emitted while `fn` runs (emitWarning delivers on the next tick). */
async function trustWarnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = []
  const listener = (w: Error & { code?: string }) => {
    if (w.code === 'EXPRESS_ACCOUNTS_TRUST_PROXY') seen.push(w.message)
  }
  process.on('warning', listener)
  try {
    await fn()
    await new Promise((r) => setImmediate(r))
  } finally {
    process.off('warning', listener)
  }
  return seen
}

describe('limits: trust proxy (finding 13)', function () {
  describe('the example reads TRUST_PROXY', function () {
    const build = (TRUST_PROXY?: string) => createExampleApp({ ACCOUNTS_SECRET: SECRET, TRUST_PROXY }, { warn: () => undefined, log: () => undefined })
    const closers: Array<() => Promise<void>> = []
    after(async () => {
      for (const close of closers) await close()
    })
    const made = (TRUST_PROXY?: string) => {
      const e = build(TRUST_PROXY)
      closers.push(() => e.close())
      return e
    }

    for (const [value, expected] of [
      [undefined, false],
      ['', false],
      ['false', false],
      ['true', true],
      ['1', 1],
      ['2', 2],
      ['loopback', 'loopback'],
      ['loopback, 10.0.0.0/8 ,fd00::/8', 'loopback,10.0.0.0/8,fd00::/8'],
      ['192.0.2.1', '192.0.2.1'],
    ] as const) {
      it(`TRUST_PROXY=${JSON.stringify(value)} → trust proxy ${JSON.stringify(expected)}`, function () {
        assert.deepEqual(made(value).app.get('trust proxy'), expected)
      })
    }

    for (const bad of ['yes', '-1', '1.5', 'loopback,not-an-address', '10.0.0.0/33', 'uniquelocal;rm']) {
      it(`TRUST_PROXY=${JSON.stringify(bad)} stops the boot naming the variable`, function () {
        assert.throws(() => build(bad), { name: 'ExampleConfigError', message: /^TRUST_PROXY must be / })
      })
    }

    it('without it, clients behind one proxy share a per-IP allowance; with TRUST_PROXY=1 each has its own', async function () {
      // POST /account/tokens/email: 10 per hour per IP, and no bcrypt work (the example's cost is 12).
      const signUp = (app: express.Express, client: string) =>
        request(app).post('/v1/account/tokens/email').set('X-Appwrite-Project', 'demo').set('X-Forwarded-For', client).send({ userId: 'unique()', email: uniqueEmail('tp') })
      const shared = made(undefined).app
      for (let i = 0; i < 10; i++) await signUp(shared, '203.0.113.1').expect(201)
      await signUp(shared, '203.0.113.2').expect(429)
      const trusted = made('1').app
      for (let i = 0; i < 10; i++) await signUp(trusted, '203.0.113.1').expect(201)
      await signUp(trusted, '203.0.113.1').expect(429)
      await signUp(trusted, '203.0.113.2').expect(201)
    })
  })

  describe('the router warns once when X-Forwarded-For arrives and trust proxy is off', function () {
    const app = (trust: boolean | string) => {
      const accounts = createAccounts({ project: 'test', secret: SECRET, bcryptCost: 4 })
      const a = express()
      a.set('trust proxy', trust)
      a.use('/v1', accounts.router())
      return a
    }

    it('warns on the first such request only, naming the setting', async function () {
      const a = app(false)
      const seen = await trustWarnings(async () => {
        await request(a).get('/v1/account').expect(401)
        await request(a).get('/v1/account').set('X-Forwarded-For', '203.0.113.9').expect(401)
        await request(a).get('/v1/account').set('X-Forwarded-For', '203.0.113.10').expect(401)
      })
      assert.equal(seen.length, 1, JSON.stringify(seen))
      assert.match(seen[0], /trust proxy/)
      assert.match(seen[0], /X-Forwarded-For/)
    })

    it('does not warn when trust proxy covers the proxy', async function () {
      const a = app('loopback')
      const seen = await trustWarnings(async () => {
        await request(a).get('/v1/account').set('X-Forwarded-For', '203.0.113.9').expect(401)
      })
      assert.deepEqual(seen, [])
    })
  })
})
