/**
 * A throw-away 3-master Redis Cluster on loopback ports, so Cluster-only failures (CROSSSLOT,
 * keys of one script on different nodes, MOVED routing) show up in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { startRedisServer } from './redis-server.js'
import type { RedisServer } from './redis-server.js'

export interface TestCluster {
  rootUrl: string
  stop(): Promise<void>
}

const SLOTS = 16384

export async function startCluster(masters = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'acc-cluster-'))
  const servers: RedisServer[] = []
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(await startRedisServer(['--cluster-enabled', 'yes', '--dir', dir,
        '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000']))
    }
    const clients = await Promise.all(servers.map(async (s) => {
      const c = createClient({ url: s.url })
      c.on('error', () => undefined)
      return c.connect()
    }))
    try {
      const per = Math.ceil(SLOTS / masters)
      await Promise.all(clients.map((c, i) =>
        c.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(SLOTS, (i + 1) * per) - 1)])))
      for (const s of servers.slice(1)) await clients[0]!.sendCommand(['CLUSTER', 'MEET', '127.0.0.1', String(s.port)])
      const deadline = Date.now() + 10_000
      for (;;) {
        const infos = await Promise.all(clients.map((c) => c.sendCommand(['CLUSTER', 'INFO']) as Promise<string>))
        if (infos.every((i) => i.includes('cluster_state:ok') && i.includes(`cluster_known_nodes:${masters}`))) break
        if (Date.now() > deadline) throw new Error('cluster did not become ready')
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()))
    }
    return { rootUrl: servers[0]!.url, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
