/**
 * A throw-away 3-master Redis Cluster on loopback ports, so Cluster-only failures (CROSSSLOT,
 * keys of one script on different nodes, MOVED routing) show up in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, createCluster } from 'redis'
import { startRedisServer } from './redis-server.js'
import type { RedisServer } from './redis-server.js'
import type { TestRedisClient } from './redis.js'

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

const newClusterClient = (url: string) => createCluster({ rootNodes: [{ url }] })
export type TestClusterClient = ReturnType<typeof newClusterClient>

let shared: Promise<{ cluster: TestCluster; client: TestClusterClient }> | undefined

/**
 * One 3-master cluster and one connected cluster client for the whole run, started on first
 * use (the suites that rerun on Cluster share it: starting one costs seconds) and stopped by
 * the global teardown (`stopSharedCluster`). Suites keep apart by key prefix, as on the
 * single server.
 */
export function sharedCluster(): Promise<{ cluster: TestCluster; client: TestClusterClient }> {
  shared ??= (async () => {
    const cluster = await startCluster()
    try {
      const client = newClusterClient(cluster.rootUrl)
      client.on('error', () => undefined) // failures surface on the commands
      await client.connect()
      return { cluster, client }
    } catch (err) {
      await cluster.stop()
      throw err
    }
  })()
  // A failed start is not cached: the next suite tries again (and reports its own failure).
  shared.catch(() => { shared = undefined })
  return shared
}

export async function stopSharedCluster(): Promise<void> {
  const running = shared
  shared = undefined
  if (!running) return
  const { cluster, client } = await running.catch(() => ({ cluster: null, client: null }))
  await client?.close().catch(() => undefined)
  await cluster?.stop()
}

/** Runs `fn` on a client of every master (SCAN, INFO and the like are per node). */
export async function forEachMaster<T>(client: TestClusterClient, fn: (node: TestRedisClient) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  // node-redis types a node's client by the cluster's generics; it is a plain client underneath.
  for (const master of client.masters) out.push(await fn((await client.nodeClient(master)) as unknown as TestRedisClient))
  return out
}
