import { execFileSync } from 'node:child_process'
import os from 'node:os'

export interface MachineInfo {
  cpu: string
  cores: number
  ramGiB: number
  os: string
  node: string
  redis: string
  date: string
  /** 1-minute load average when the run started (a busy machine shows here). */
  loadAtStart: number
}

export function machineInfo(): MachineInfo {
  let redis = 'not installed'
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown'
  } catch {
    // no redis-server: the Redis variants are skipped or fail, and the record says so
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redis,
    date: new Date().toISOString(),
    loadAtStart: os.loadavg()[0],
  }
}
