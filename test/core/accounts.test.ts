import assert from 'node:assert/strict'
import bcrypt from 'bcrypt'
import { Accounts } from '../../lib/accounts.js'
import { AccountsError } from '../../lib/errors.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { TestClock, SECRET, freshEmail } from '../support/app.js'

function core(store = new MemoryStore(), extra: { bcryptCost?: number; clock?: TestClock } = {}) {
  return new Accounts({ store, project: 'test', secret: SECRET, bcryptCost: extra.bcryptCost ?? 4, clock: extra.clock })
}

async function rejectsWith(promise: Promise<unknown>, type: string, code?: number): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AccountsError, `expected AccountsError, got ${String(err)}`)
    assert.equal(err.type, type)
    if (code !== undefined) assert.equal(err.code, code)
    return true
  })
}

describe('core: accounts', () => {
  it('creates an account with a lowercased email and a hashed password', async () => {
    const store = new MemoryStore()
    const a = await core(store).createAccount({ email: 'Mixed.Case@Example.COM', password: 'password-123', name: 'Ann' })
    assert.match(a.id, /^[0-9a-f]{20}$/)
    assert.equal(a.email, 'mixed.case@example.com')
    const stored = await store.getAccount(a.id)
    assert.ok(stored?.passwordHash?.startsWith('$2'))
    assert.ok(!JSON.stringify(stored).includes('password-123'))
  })

  it('keeps a custom id and refuses a duplicate id or email (409 user_already_exists)', async () => {
    const accounts = core()
    const email = freshEmail()
    await accounts.createAccount({ userId: 'custom-id_1', email, password: 'password-123' })
    await rejectsWith(accounts.createAccount({ userId: 'custom-id_1', email: freshEmail(), password: 'password-123' }), 'user_already_exists', 409)
    await rejectsWith(accounts.createAccount({ email: email.toUpperCase(), password: 'password-123' }), 'user_already_exists', 409)
  })

  it('validates ids, emails, names and password length in bytes', async () => {
    const accounts = core()
    await rejectsWith(accounts.createAccount({ userId: '-bad', email: freshEmail(), password: 'password-123' }), 'general_argument_invalid', 400)
    await rejectsWith(accounts.createAccount({ email: 'not-an-email', password: 'password-123' }), 'general_argument_invalid', 400)
    await rejectsWith(accounts.createAccount({ email: freshEmail(), password: 'short' }), 'general_argument_invalid', 400)
    // 4 characters but 8 UTF-8 bytes: long enough, as Appwrite counts bytes.
    await accounts.createAccount({ email: freshEmail(), password: 'éééé' })
    await rejectsWith(accounts.createAccount({ email: freshEmail(), password: 'x'.repeat(257) }), 'general_argument_invalid')
    await rejectsWith(accounts.createAccount({ email: freshEmail(), password: 'password-123', name: 'n'.repeat(129) }), 'general_argument_invalid')
  })

  it('counts every password byte past 72 (SHA-256 pre-hash)', async () => {
    const accounts = core()
    const base = 'p'.repeat(100)
    const a = await accounts.createAccount({ email: freshEmail(), password: `${base}A` })
    await accounts.signInWithPassword({ email: a.email, password: `${base}A` })
    await rejectsWith(accounts.signInWithPassword({ email: a.email, password: `${base}B` }), 'user_invalid_credentials', 401)
  })

  it('answers unknown email and wrong password the same way', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await rejectsWith(accounts.signInWithPassword({ email: freshEmail(), password: 'password-123' }), 'user_invalid_credentials', 401)
    await rejectsWith(accounts.signInWithPassword({ email: a.email, password: 'password-124' }), 'user_invalid_credentials', 401)
  })

  it('rehashes on sign-in when the bcrypt cost changed', async () => {
    const store = new MemoryStore()
    const a = await core(store, { bcryptCost: 4 }).createAccount({ email: freshEmail(), password: 'password-123' })
    assert.equal(bcrypt.getRounds((await store.getAccount(a.id))!.passwordHash!), 4)
    await core(store, { bcryptCost: 5 }).signInWithPassword({ email: a.email, password: 'password-123' })
    assert.equal(bcrypt.getRounds((await store.getAccount(a.id))!.passwordHash!), 5)
  })

  it('refuses a blocked account only after the right password', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await accounts.blockAccount(a.id)
    await rejectsWith(accounts.signInWithPassword({ email: a.email, password: 'wrong-password' }), 'user_invalid_credentials')
    await rejectsWith(accounts.signInWithPassword({ email: a.email, password: 'password-123' }), 'user_blocked', 403)
    await accounts.unblockAccount(a.id)
    await accounts.signInWithPassword({ email: a.email, password: 'password-123' })
  })

  it('requires the old password only when one is set', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await rejectsWith(accounts.updatePassword(a.id, 'password-456'), 'user_invalid_credentials', 401)
    await rejectsWith(accounts.updatePassword(a.id, 'password-456', 'nope-nope-nope'), 'user_invalid_credentials', 401)
    await accounts.updatePassword(a.id, 'password-456', 'password-123')
    await accounts.signInWithPassword({ email: a.email, password: 'password-456' })
    const anon = await accounts.createAnonymousAccount()
    await accounts.updatePassword(anon.id, 'first-password')
  })

  it('upgrades an anonymous account in place through updateEmail', async () => {
    const accounts = core()
    const { account } = await accounts.signInAnonymously()
    const email = freshEmail()
    const upgraded = await accounts.updateEmail(account.id, email, 'new-password-1')
    assert.equal(upgraded.id, account.id)
    assert.equal(upgraded.email, email)
    const { account: again } = await accounts.signInWithPassword({ email, password: 'new-password-1' })
    assert.equal(again.id, account.id)
  })

  it('moves the email claim on updateEmail and refuses a taken one', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    const b = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await rejectsWith(accounts.updateEmail(a.id, b.email, 'password-123'), 'user_target_already_exists', 409)
    await rejectsWith(accounts.updateEmail(a.id, freshEmail(), 'wrong-password'), 'user_invalid_credentials', 401)
    const old = a.email
    const moved = await accounts.updateEmail(a.id, freshEmail(), 'password-123')
    assert.equal((await accounts.findAccountByEmail(moved.email))?.id, a.id)
    assert.equal(await accounts.findAccountByEmail(old), null)
    await accounts.createAccount({ email: old, password: 'password-123' })
  })

  it('replaces prefs whole, caps them at 64 KB and keeps the old ones on refusal', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await accounts.updatePrefs(a.id, { theme: 'dark', size: 3 })
    const replaced = await accounts.updatePrefs(a.id, { lang: 'fr' })
    assert.deepEqual(replaced.prefs, { lang: 'fr' })
    await rejectsWith(accounts.updatePrefs(a.id, { big: 'x'.repeat(65536) }), 'general_argument_invalid', 400)
    await rejectsWith(accounts.updatePrefs(a.id, 'a string'), 'general_argument_invalid', 400)
    await rejectsWith(accounts.updatePrefs(a.id, [1, 2]), 'general_argument_invalid', 400)
    assert.deepEqual((await accounts.getAccount(a.id))?.prefs, { lang: 'fr' })
    assert.deepEqual((await accounts.updatePrefs(a.id, [])).prefs, {})
  })

  it('loses no concurrent update (compare-and-set on rev)', async () => {
    const accounts = core()
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await Promise.all([accounts.updateName(a.id, 'New Name'), accounts.updatePrefs(a.id, { k: 1 })])
    const after = await accounts.getAccount(a.id)
    assert.equal(after?.name, 'New Name')
    assert.deepEqual(after?.prefs, { k: 1 })
    assert.equal(after?.rev, a.rev + 2)
  })

  it('announces events to listeners and survives a throwing one', async () => {
    const accounts = core()
    const seen: string[] = []
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.message)
    process.on('warning', onWarning)
    accounts.on('accountCreated', () => {
      throw new Error('listener bug')
    })
    const off = accounts.on('accountCreated', ({ account }) => {
      seen.push(account.email)
    })
    accounts.on('signIn', ({ session }) => {
      seen.push(session.provider)
    })
    const email = freshEmail()
    await accounts.createAccount({ email, password: 'password-123' })
    off()
    await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    await accounts.signInWithPassword({ email, password: 'password-123' })
    assert.deepEqual(seen, [email, 'email'])
    await new Promise((r) => setImmediate(r))
    process.off('warning', onWarning)
    assert.ok(warnings.some((m) => m.includes("'accountCreated' listener failed: listener bug")))
  })

  it('deletes an account with its sessions', async () => {
    const store = new MemoryStore()
    const accounts = core(store)
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    const s = await accounts.signInWithPassword({ email: a.email, password: 'password-123' })
    await accounts.deleteAccount(a.id)
    assert.equal(await accounts.sessions.resolve({ userId: a.id, secret: s.secret }), null)
    await rejectsWith(accounts.deleteAccount(a.id), 'user_not_found', 404)
  })
})

describe('core: sessions', () => {
  it('resolves a session by its value and never stores the secret', async () => {
    const store = new MemoryStore()
    const accounts = core(store)
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    const s = await accounts.signIn(a.id, { ip: '127.0.0.1', userAgent: 'curl/8.0' })
    assert.match(s.secret, /^[0-9a-f]{64}$/)
    const resolved = await accounts.sessions.resolve({ userId: a.id, secret: s.secret })
    assert.equal(resolved?.session.id, s.session.id)
    const stored = await store.getSession(a.id, s.session.id)
    assert.ok(stored && !JSON.stringify(stored).includes(s.secret))
    assert.equal(await accounts.sessions.resolve({ userId: a.id, secret: s.secret.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }), null)
  })

  it('expires sessions by the clock and extends them', async () => {
    const clock = new TestClock()
    const accounts = core(new MemoryStore(), { clock })
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    const s = await accounts.signIn(a.id)
    clock.advance(29 * 24 * 3600_000)
    const extended = await accounts.sessions.extend(a.id, s.session.id)
    assert.equal(extended.expiresAt, clock.now() + 30 * 24 * 3600 * 1000)
    clock.advance(29 * 24 * 3600_000)
    assert.ok(await accounts.sessions.resolve({ userId: a.id, secret: s.secret }))
    clock.advance(2 * 24 * 3600_000)
    assert.equal(await accounts.sessions.resolve({ userId: a.id, secret: s.secret }), null)
  })

  it('keeps at most 10 sessions, evicting the oldest', async () => {
    const clock = new TestClock()
    const accounts = core(new MemoryStore(), { clock })
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    const created = []
    for (let i = 0; i < 11; i++) {
      clock.advance(1_000)
      created.push(await accounts.signIn(a.id))
    }
    const ids = (await accounts.sessions.list(a.id)).map((s) => s.id)
    assert.equal(ids.length, 10)
    assert.ok(!ids.includes(created[0].session.id))
    assert.equal(await accounts.sessions.resolve({ userId: a.id, secret: created[0].secret }), null)
  })

  it('throws TypeErrors naming bad options', () => {
    assert.throws(() => new Accounts({ secret: 'short' }), /options\.secret/)
    assert.throws(() => new Accounts({ secret: SECRET, maxSessions: -1 }), /options\.maxSessions/)
    assert.throws(() => new Accounts({ secret: SECRET, apiKeys: ['tiny'] }), /options\.apiKeys/)
    assert.throws(() => new Accounts({ secret: SECRET, project: 'bad project' }), /options\.project/)
    assert.throws(() => new Accounts({ secret: SECRET, allowedOrigins: ['not a url'] }), /options\.allowedOrigins/)
    assert.throws(() => new Accounts({ secret: SECRET, bcryptCost: 2 }), /options\.bcryptCost/)
    assert.throws(() => new Accounts({ secret: SECRET, bcryptConcurrency: 0 }), /options\.bcryptConcurrency/)
    assert.throws(() => new Accounts({ secret: SECRET, bcryptQueue: 1.5 }), /options\.bcryptQueue/)
    assert.throws(() => new Accounts({ secret: SECRET, bcryptPerClient: 0 }), /options\.bcryptPerClient/)
  })

  it('bounds bcrypt work by default: the thread pool minus one at once, 32 waiting, 8 per client', () => {
    const { options, passwords } = new Accounts({ secret: SECRET })
    const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4
    assert.deepEqual([options.bcryptConcurrency, options.bcryptQueue, options.bcryptPerClient], [Math.max(1, pool - 1), 32, 8])
    assert.deepEqual([passwords.gate.concurrency, passwords.gate.queueLimit, passwords.gate.perClient], [Math.max(1, pool - 1), 32, 8])
  })
})

describe('core: accessedAt', () => {
  it('is refreshed by touch() at most once a day', async () => {
    const clock = new TestClock()
    const accounts = core(new MemoryStore(), { clock })
    const a = await accounts.createAccount({ email: freshEmail(), password: 'password-123' })
    clock.advance(3600_000)
    await accounts.touch(a)
    assert.equal((await accounts.getAccount(a.id))?.accessedAt, a.accessedAt)
    clock.advance(24 * 3600_000)
    await accounts.touch(a)
    assert.equal((await accounts.getAccount(a.id))?.accessedAt, clock.now())
  })
})
