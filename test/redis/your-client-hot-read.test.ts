/**
 * RedisStore on your own node-redis client or Cluster: the requireSession() read skips
 * node-redis' per-command timeout (an `AbortSignal.timeout()` per command, the largest CPU cost
 * of a Cluster read) while the client is ready, and only then; every other command, and the
 * read while the client is not ready, keep your options.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { RedisStore } from '../../lib/store/redis-store.js'
import { makeApp, signUpAndIn } from '../support/app.js'
import { sharedCluster } from '../support/redis-cluster.js'
import { connectedClient, requireRedisOrSkip, uniquePrefix } from '../support/redis.js'

/** Counts `AbortSignal.timeout()` calls made while `fn` runs. */
async function timeoutSignals(fn: () => Promise<void>): Promise<number> {
  const original = AbortSignal.timeout
  let n = 0
  AbortSignal.timeout = (ms: number) => {
    n++
    return original.call(AbortSignal, ms)
  }
  try {
    await fn()
  } finally {
    AbortSignal.timeout = original
  }
  return n
}

describe('RedisStore on your client: the hot read without a per-command timeout', function () {
  this.timeout(30_000)
  before(function () {
    requireRedisOrSkip(this)
  })

  for (const kind of ['client', 'cluster'] as const) {
    it(`${kind}: guarded requests arm no command timeout while ready; writes keep yours`, async () => {
      const client = kind === 'client' ? await connectedClient() : (await sharedCluster()).client
      const store = new RedisStore({ client, prefix: uniquePrefix(`hot-${kind}`) })
      const { app } = makeApp({ store })
      try {
        const user = await signUpAndIn(app)
        const reads = await timeoutSignals(async () => {
          for (let i = 0; i < 20; i++) await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200)
        })
        assert.equal(reads, 0, 'no AbortSignal.timeout() per requireSession() read')
        // Writes (a name change is a Lua script and an index write) still go through your options.
        const writes = await timeoutSignals(async () => {
          await request(app).patch('/v1/account/name').set('X-Appwrite-Session', user.value).send({ name: 'N' }).expect(200)
        })
        assert.ok(writes > 0, 'your client\'s own command timeout still applies to writes')
      } finally {
        if (kind === 'client') await client.close()
      }
    })
  }

  it('your client closed: the read goes through your client as is (503 with Retry-After), and is served again once it reconnects', async () => {
    const client = await connectedClient()
    const store = new RedisStore({ client, prefix: uniquePrefix('hot-offline') })
    const { app } = makeApp({ store, storeTimeout: 0.5 })
    try {
      const user = await signUpAndIn(app)
      await client.close()
      const res = await request(app).get('/api/me').set('X-Appwrite-Session', user.value)
      assert.equal(res.status, 503)
      assert.ok(res.headers['retry-after'])
      await client.connect()
      await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200)
    } finally {
      if (client.isOpen) await client.close()
    }
  })
})
