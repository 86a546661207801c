import assert from 'node:assert/strict'
import v8 from 'node:v8'
import vm from 'node:vm'
import request from 'supertest'
import { toAccountModel } from '../../lib/models.js'
import type { AccountRecord } from '../../lib/store/store.js'
import { parseFrozen, parseFrozenAt } from '../../lib/store/frozen-record.js'
import { makeApp, signUpAndIn, TestClock } from '../support/app.js'

/** A full collection, then the heap in use (bytes). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc') as () => void
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

// The requireSession() hot path shares what it parsed and verified between requests (issue 11).
// Sharing is only safe if nothing shared can be changed and nothing remembered outlives what
// it was derived from; these tests try both.
describe('hot-path memos (shared frozen records, built models, verified JWTs)', () => {
  it('parseFrozen: one deep-frozen value per text, and a changed text is parsed anew', () => {
    const text = JSON.stringify({ id: 'a', labels: ['x'], prefs: { deep: { n: 1 } } })
    const a = parseFrozen<{ labels: string[]; prefs: { deep: { n: number } } }>(text)
    assert.equal(parseFrozen(text), a)
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.labels) && Object.isFrozen(a.prefs.deep))
    assert.throws(() => { a.labels.push('y') }, TypeError)
    assert.throws(() => { a.prefs.deep.n = 2 }, TypeError)
    const changed = parseFrozen<{ prefs: { deep: { n: number } } }>(text.replace('"n":1', '"n":2'))
    assert.equal(changed.prefs.deep.n, 2)
    assert.throws(() => parseFrozen('{bad'), SyntaxError)
    assert.throws(() => parseFrozen('{bad'), SyntaxError)
  })

  it('parseFrozenAt: found by key, used only for the exact text it was parsed from', () => {
    const text = JSON.stringify({ id: 'k', rev: 1, prefs: { a: 1 } })
    // A Redis reply is a new string each time: equal text, another string.
    const again = JSON.parse(JSON.stringify(text)) as string
    const a = parseFrozenAt<{ rev: number }>('key:k', text)
    assert.equal(parseFrozenAt('key:k', again), a)
    assert.ok(Object.isFrozen(a))
    // The record changed under the same key: never the old parse.
    const changed = parseFrozenAt<{ rev: number }>('key:k', text.replace('"rev":1', '"rev":2'))
    assert.equal(changed.rev, 2)
    assert.equal(parseFrozenAt<{ rev: number }>('key:k', text).rev, 1)
    // Another key with another text is its own entry; the same text under another key too.
    assert.equal(parseFrozenAt<{ id: string }>('key:j', '{"id":"j"}').id, 'j')
    assert.equal(parseFrozenAt<{ rev: number }>('key:other', text).rev, 1)
    assert.throws(() => parseFrozenAt('key:bad', '{bad'), SyntaxError)
    for (let i = 0; i < 5000; i++) assert.equal(parseFrozenAt<{ i: number }>(`key:${i % 3000}`, `{"i":${i}}`).i, i)
  })

  it('parseFrozenAt keeps a bounded amount of text (many keys of mid-sized records)', function () {
    this.timeout(120_000)
    const body = '{},'.repeat(4_000).slice(0, -1)
    const before = heapAfterGc()
    for (let i = 0; i < 600; i++) assert.equal(parseFrozenAt<{ i: number }>(`key:${i}`, `{"i":${i},"x":[${body}]}`).i, i)
    const grownMb = (heapAfterGc() - before) / 1e6
    assert.ok(grownMb < 60, `the heap grew by ${grownMb.toFixed(0)} MB`)
  })

  it('parseFrozen stays correct past its bound (it empties itself, never answers another text)', () => {
    for (let i = 0; i < 5000; i++) assert.equal(parseFrozen<{ i: number }>(`{"i":${i}}`).i, i)
  })

  it('toAccountModel of a frozen record: each caller gets its own copy to change, the next caller never sees it', async () => {
    const { app, accounts } = makeApp()
    const user = await signUpAndIn(app)
    await accounts.updatePrefs(user.id, { theme: 'dark', nested: { a: [1, 2] }, ['__proto__']: { polluted: true } })
    const { account } = (await accounts.sessions.resolveById(user.id, user.sessionId))!
    assert.ok(Object.isFrozen(account), 'the store hands out the shared frozen record')
    const first = toAccountModel(account as AccountRecord)
    first.labels.push('admin')
    ;(first.prefs.nested as { a: number[] }).a.push(3)
    first.prefs.theme = 'light'
    first.targets[0].identifier = 'evil@example.com'
    first.name = 'changed'
    const second = toAccountModel(account as AccountRecord, { impersonatorUserId: 'imp' })
    assert.deepEqual(second.labels, [])
    assert.deepEqual(second.prefs.nested, { a: [1, 2] })
    assert.equal(second.prefs.theme, 'dark')
    assert.equal(second.targets[0].identifier, user.email)
    assert.equal(second.name, 'Test User')
    assert.equal(second.impersonatorUserId, 'imp')
    assert.equal(toAccountModel(account as AccountRecord).impersonatorUserId, null)
    // A `__proto__` pref stays a pref, and no prototype is touched.
    assert.ok(Object.hasOwn(second.prefs, '__proto__'))
    assert.equal(Object.getPrototypeOf(second.prefs), Object.prototype)
    assert.equal(({} as { polluted?: boolean }).polluted, undefined)
    // The model of the next stored version reflects the change at once.
    await accounts.updateName(user.id, 'Renamed')
    const next = (await accounts.sessions.resolveById(user.id, user.sessionId))!.account
    assert.equal(toAccountModel(next).name, 'Renamed')
    const res = await request(app).get('/api/me').set('X-Appwrite-Session', user.value).expect(200)
    assert.equal(res.body.account.name, 'Renamed')
    assert.deepEqual(res.body.account.labels, [])
  })

  it('a remembered JWT still expires by the clock, to the second, and a tampered copy of it is refused', async () => {
    const clock = new TestClock(Date.UTC(2026, 0, 1, 0, 0, 0, 500))
    const { app, accounts } = makeApp({ clock })
    const user = await signUpAndIn(app)
    const token = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({ duration: 5 }).expect(201)).body.jwt as string
    const claims = accounts.jwts.verify(token)
    assert.equal(accounts.jwts.verify(token), claims, 'the second verify is the remembered one')
    assert.ok(Object.isFrozen(claims))
    // Flip one character of the signature: never the remembered answer.
    const last = token.at(-2) === 'A' ? 'B' : 'A'
    const tampered = `${token.slice(0, -2)}${last}${token.at(-1)}`
    assert.throws(() => accounts.jwts.verify(tampered), { type: 'user_jwt_invalid' })
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    clock.advance(4_499) // 1 ms before exp's second begins
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    clock.advance(1)
    const expired = await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(401)
    assert.equal(expired.body.message, 'Failed to verify JWT. Invalid token: Expired')
    assert.throws(() => accounts.jwts.verify(token), { type: 'user_jwt_invalid' })
  })

  it('a remembered JWT dies with its session at once', async () => {
    const { app } = makeApp()
    const user = await signUpAndIn(app)
    const token = (await request(app).post('/v1/account/jwts').set('X-Appwrite-Session', user.value).send({}).expect(201)).body.jwt as string
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(200)
    await request(app).delete('/v1/account/sessions/current').set('X-Appwrite-Session', user.value).expect(204)
    await request(app).get('/api/me').set('X-Appwrite-JWT', token).expect(401)
  })

  it('a signed-in user cannot fill the process heap through the record memo with large prefs (one account, many versions)', async function () {
    this.timeout(120_000)
    const { app, accounts } = makeApp()
    const user = await signUpAndIn(app)
    // ~64 KB of prefs text that parses into ~21 000 objects: each stored version of the
    // account, read once by the hot path, used to stay in the memo (~1.4 MB of heap apiece).
    const many = `[${'{},'.repeat(21_000).slice(0, -1)}]`
    const before = heapAfterGc()
    for (let i = 0; i < 150; i++) {
      await accounts.updatePrefs(user.id, { i, x: JSON.parse(many) as unknown })
      const auth = await accounts.sessions.resolveById(user.id, user.sessionId)
      assert.equal((auth!.account.prefs as { i: number }).i, i)
    }
    const grownMb = (heapAfterGc() - before) / 1e6
    assert.ok(grownMb < 60, `the heap grew by ${grownMb.toFixed(0)} MB`)
  })

  it('parseFrozen keeps a bounded amount of text (many mid-sized records never add up past its budget)', function () {
    this.timeout(120_000)
    const body = '{},'.repeat(4_000).slice(0, -1) // ~12 KB of text, ~4 000 objects
    const before = heapAfterGc()
    for (let i = 0; i < 600; i++) assert.equal(parseFrozen<{ i: number }>(`{"i":${i},"x":[${body}]}`).i, i)
    const grownMb = (heapAfterGc() - before) / 1e6
    assert.ok(grownMb < 60, `the heap grew by ${grownMb.toFixed(0)} MB`)
  })

  it('JWTs carrying user-controlled claims cannot fill the process heap through the verified-token memo', async function () {
    this.timeout(120_000)
    // An app that copies prefs into its JWTs (a plausible createJwtPayload): each token then
    // carries up to 64 KB that parse into ~21 000 objects.
    const clock = new TestClock(Date.UTC(2026, 0, 1))
    const { app, accounts } = makeApp({ clock, createJwtPayload: (account) => ({ prefs: account.prefs }) })
    const user = await signUpAndIn(app)
    await accounts.updatePrefs(user.id, { x: JSON.parse(`[${'{},'.repeat(21_000).slice(0, -1)}]`) as unknown })
    const { account, session } = (await accounts.sessions.resolveById(user.id, user.sessionId))!
    const before = heapAfterGc()
    for (let i = 0; i < 150; i++) {
      clock.advance(1000) // a new iat: a new token
      const token = await accounts.jwts.create(account, session)
      assert.equal(accounts.jwts.verify(token).userId, user.id)
    }
    const grownMb = (heapAfterGc() - before) / 1e6
    assert.ok(grownMb < 60, `the heap grew by ${grownMb.toFixed(0)} MB`)
  })
})
