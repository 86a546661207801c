import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createClient } from 'redis'
import { AccountsError, RedisStore } from '../../lib/index.js'
import { describeRedis, redisUrl } from '../support/redis.js'

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

describe('RedisStore.ready()', function () {
  this.timeout(20_000)

  it('a URL where nothing listens: 503 store_unavailable naming the URL (password redacted) and the error', async () => {
    const port = await closedPort()
    const store = new RedisStore({ url: `redis://user:s3cret-pw@127.0.0.1:${port}/2` })
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.message)
    process.on('warning', onWarning)
    try {
      await assert.rejects(store.ready(), (err: unknown) => {
        assert.ok(err instanceof AccountsError)
        assert.equal(err.type, 'store_unavailable')
        assert.equal(err.status, 503)
        assert.match(err.message, new RegExp(`^RedisStore: cannot reach Redis at redis://user:\\*\\*\\*@127\\.0\\.0\\.1:${port}/2: .*ECONNREFUSED`))
        assert.doesNotMatch(err.message, /s3cret-pw/)
        return true
      })
    } finally {
      process.off('warning', onWarning)
      await store.close()
    }
    assert.ok(warnings.every((w) => !w.includes('s3cret-pw')))
  })

  it('a client you passed that is not connected: says so', async () => {
    const client = createClient({ url: 'redis://127.0.0.1:1' })
    const store = new RedisStore({ client })
    await assert.rejects(store.ready(), /^AccountsError: RedisStore: cannot reach Redis through options\.client: The client is closed|cannot reach Redis through options\.client/)
  })

  describeRedis('with the harness Redis', () => {
    it('resolves with url (connecting the store’s own client) and with a connected client', async () => {
      const own = new RedisStore({ url: redisUrl()! })
      await own.ready()
      assert.equal(await own.getAccount('nobody'), null)
      await own.close()
      const client = createClient({ url: redisUrl()! })
      await client.connect()
      await new RedisStore({ client }).ready()
      await client.close()
    })
  })
})
