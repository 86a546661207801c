import { createClient } from 'redis'

const newClient = (url: string) => createClient({ url })
type Client = ReturnType<typeof newClient>

/** Counters of one or more Redis nodes at one instant, summed over the nodes. */
export interface RedisSnapshot {
  /** Calls per command name (`INFO commandstats`), the probe's own INFO left out. */
  commands: Map<string, number>
  /** `total_reads_processed`: socket reads, i.e. request batches the server received. */
  reads: number
  /** `rdb_changes_since_last_save`: keys changed by writes (counted even with saving off). */
  changes: number
}

/** What happened on Redis between two snapshots. */
export interface RedisDelta {
  commands: Record<string, number>
  total: number
  /** Request batches received: with one request in flight at a time, the round trips it cost. */
  reads: number
  /** Writes that changed data. */
  changes: number
}

/**
 * Reads a Redis' (or every Cluster master's) counters around a measured window, over its own
 * connection. Each snapshot is one `INFO` per node, and Redis counts that INFO's read before
 * answering it, so exactly one read per node in a delta is the probe's own: it is taken off.
 */
export class RedisProbe {
  readonly #clients: Client[]

  private constructor(clients: Client[]) {
    this.#clients = clients
  }

  /** `urls`: every node whose counters count (all masters of a Cluster). */
  static async connect(urls: string[]): Promise<RedisProbe> {
    const clients = await Promise.all(urls.map(async (url) => {
      const c = newClient(url)
      c.on('error', () => undefined) // a failed INFO rejects; the bench reports that
      await c.connect()
      return c
    }))
    return new RedisProbe(clients)
  }

  /** The masters of the Cluster `rootUrl` belongs to. */
  static async clusterMasters(rootUrl: string): Promise<string[]> {
    const c = createClient({ url: rootUrl })
    await c.connect()
    try {
      const nodes = String(await c.sendCommand(['CLUSTER', 'NODES']))
      // `<id> <host:port@cport> <flags> …`, flags e.g. `myself,master`.
      return nodes.split('\n').map((l) => l.trim().split(' ')).filter((f) => f[2]?.split(',').includes('master'))
        .map((f) => `redis://${f[1].split('@')[0]}`)
    } finally {
      await c.close()
    }
  }

  async snapshot(): Promise<RedisSnapshot> {
    const infos = await Promise.all(this.#clients.map((c) => c.sendCommand(['INFO', 'commandstats', 'stats', 'persistence']) as Promise<string>))
    const snap: RedisSnapshot = { commands: new Map(), reads: 0, changes: 0 }
    for (const info of infos) {
      for (const raw of info.split('\n')) {
        const line = raw.trim()
        const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
        if (cmd && cmd[1] !== 'info') snap.commands.set(cmd[1], (snap.commands.get(cmd[1]) ?? 0) + Number(cmd[2]))
        const stat = /^(total_reads_processed|rdb_changes_since_last_save):(\d+)/.exec(line)
        if (stat?.[1] === 'total_reads_processed') snap.reads += Number(stat[2])
        if (stat?.[1] === 'rdb_changes_since_last_save') snap.changes += Number(stat[2])
      }
    }
    return snap
  }

  delta(before: RedisSnapshot, after: RedisSnapshot): RedisDelta {
    const commands: Record<string, number> = {}
    let total = 0
    for (const [cmd, calls] of after.commands) {
      const d = calls - (before.commands.get(cmd) ?? 0)
      if (d > 0) {
        commands[cmd] = d
        total += d
      }
    }
    return { commands, total, reads: after.reads - before.reads - this.#clients.length, changes: after.changes - before.changes }
  }

  /** A value of `INFO server` / `INFO memory` from the first node. */
  async infoField(section: string, field: string): Promise<string> {
    const info = String(await this.#clients[0].sendCommand(['INFO', section]))
    return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? ''
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.close().catch(() => undefined)))
  }
}
