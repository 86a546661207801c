import { startCluster } from '../test/support/redis-cluster.js'
import { startRedisServer } from '../test/support/redis-server.js'
import { RedisProbe } from './redis-probe.js'
import type { Variant } from './variants.js'

/** The Redis a variant runs on, only its own. */
export interface VariantRedis {
  /** What its server connects to (the Cluster's first node for a Cluster). */
  url: string
  /** Every node whose counters count: the server, or all masters of the Cluster. */
  nodes: string[]
  stop(): Promise<void>
}

/** A fresh `redis-server` (free loopback port, never 6379, nothing saved) or 3-master Cluster; null when the variant needs none. */
export async function startVariantRedis(variant: Variant): Promise<VariantRedis | null> {
  if (variant.redis === 'none') return null
  if (variant.redis === 'cluster') {
    const cluster = await startCluster(3)
    try {
      return { url: cluster.rootUrl, nodes: await RedisProbe.clusterMasters(cluster.rootUrl), stop: () => cluster.stop() }
    } catch (err) {
      await cluster.stop()
      throw err
    }
  }
  const redis = await startRedisServer()
  return { url: redis.url, nodes: [redis.url], stop: () => redis.stop() }
}
