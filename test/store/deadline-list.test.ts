import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { DeadlineList } from '../../lib/store/deadline-list.js'

describe('DeadlineList (the store guard\'s shared timer)', () => {
  it('expires a deadline no earlier than its duration, and only once', async () => {
    const list = new DeadlineList(40)
    const started = performance.now()
    const fired: number[] = []
    const d = list.add(() => fired.push(performance.now() - started))
    await sleep(20)
    assert.deepEqual(fired, [])
    await sleep(80)
    assert.equal(fired.length, 1)
    assert.ok(fired[0] >= 40, `fired after ${fired[0]} ms`)
    assert.equal(d.cancel(), false, 'an expired deadline cannot be cancelled')
  })

  it('a cancelled deadline never fires; the ones after it still do, in order', async () => {
    const list = new DeadlineList(30)
    const fired: string[] = []
    const a = list.add(() => fired.push('a'))
    await sleep(5)
    list.add(() => fired.push('b'))
    const c = list.add(() => fired.push('c'))
    list.add(() => fired.push('d'))
    assert.equal(a.cancel(), true)
    assert.equal(c.cancel(), true)
    assert.equal(c.cancel(), false, 'cancelling twice is a no-op')
    await sleep(100)
    assert.deepEqual(fired, ['b', 'd'])
  })

  it('keeps working after the list ran empty, and for deadlines added while one expires', async () => {
    const list = new DeadlineList(20)
    const fired: string[] = []
    list.add(() => {
      fired.push('first')
      list.add(() => fired.push('added-on-expiry'))
    })
    await sleep(120)
    list.add(() => fired.push('later'))
    await sleep(80)
    assert.deepEqual(fired, ['first', 'added-on-expiry', 'later'])
  })

  it('does not keep the process alive', async () => {
    const { execFile } = await import('node:child_process')
    const modUrl = new URL('../../lib/store/deadline-list.ts', import.meta.url).href
    const script = `const { DeadlineList } = await import(${JSON.stringify(modUrl)}); new DeadlineList(60_000).add(() => console.log('fired')); console.log('done')`
    const started = Date.now()
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (err, stdout) => (err ? reject(err) : resolve(stdout)))
    })
    assert.equal(out.trim(), 'done')
    assert.ok(Date.now() - started < 30_000)
  })
})
