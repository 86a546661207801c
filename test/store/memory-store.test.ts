import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { storeContract } from '../../lib/testing/index.js'

storeContract('MemoryStore', () => new MemoryStore())

describe('MemoryStore', () => {
  it('warns once per process when constructed in production', async function () {
    this.slow(3000)
    // A child process: the warn-once flag is per process, and other suites may have tripped it here.
    const modUrl = new URL('../../lib/store/memory-store.ts', import.meta.url).href
    const script = `
      let n = 0
      process.on('warning', (w) => { if (w.code === 'EXPRESS_ACCOUNTS_MEMORY_STORE') n++ })
      const { MemoryStore } = await import(${JSON.stringify(modUrl)})
      new MemoryStore(); new MemoryStore()
      setImmediate(() => console.log(n))`
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        env: { ...process.env, NODE_ENV: 'production' },
      }, (err, stdout) => (err ? reject(err) : resolve(stdout)))
    })
    assert.equal(out.trim(), '1')
  })

  it('does not warn outside production', () => {
    const env = process.env.NODE_ENV
    let warned = false
    const onWarning = () => { warned = true }
    process.on('warning', onWarning)
    try {
      process.env.NODE_ENV = 'test'
      new MemoryStore()
    } finally {
      process.env.NODE_ENV = env
    }
    return new Promise<void>((resolve) => setImmediate(() => {
      process.off('warning', onWarning)
      assert.equal(warned, false)
      resolve()
    }))
  })
})
