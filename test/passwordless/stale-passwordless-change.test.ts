/**
 * Second review, finding F1: the stale-password check (H2) compared password hashes, and a
 * password-less (anonymous) account has none before a takeover and none after it. A
 * squatter's email change B, authorised while the account had no password, could then land
 * after the squatter's own change A and the victim's email-code takeover, and give the
 * squatter a password into the victim's account.
 *
 * The interleaving is forced by holding the answer of B's one session read (a real
 * MemoryStore behind a proxy that only delays that answer): B is authorised, then A and the takeover happen, then B
 * is released. No timing.
 */
import assert from 'node:assert/strict'
import { AccountsError, ConsoleMailer, createAccounts, MemoryStore, type Store } from '../../lib/index.js'

const SECRET = 'stale-passwordless-change-test-secret-0123456789'

function pausingStore(): { store: Store; arm: () => { entered: Promise<void>; release: () => void } } {
  const inner = new MemoryStore()
  let armed: { onEnter: () => void; held: Promise<void> } | null = null
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function') return value
      if (prop === 'getSession') {
        return async (...args: [string, string]) => {
          const hold = armed
          armed = null
          // Read first, then wait: B has seen its session alive before the takeover ends it.
          const session = await target.getSession(...args)
          if (hold) {
            hold.onEnter()
            await hold.held
          }
          return session
        }
      }
      return (value as (...a: unknown[]) => unknown).bind(target)
    },
  })
  return {
    store,
    arm() {
      let onEnter!: () => void
      let release!: () => void
      const entered = new Promise<void>((r) => { onEnter = r })
      const held = new Promise<void>((r) => { release = r })
      armed = { onEnter, held }
      return { entered, release }
    },
  }
}

describe('a password-less account: a change authorised before a takeover does not land after it (F1)', () => {
  it('the squatter\'s in-flight email change is refused and gives no way back in', async () => {
    const { store, arm } = pausingStore()
    const accounts = createAccounts({ store, secret: SECRET, bcryptCost: 4, rateLimits: false, mailer: new ConsoleMailer({ log: () => undefined }) })
    const victim = 'victim.f1@example.com'
    const squat = await accounts.signInAnonymously()
    const id = squat.account.id

    // B: authorised while the account has no password; held at its session check.
    const hold = arm()
    const b = accounts.updateEmail(id, victim, 'squatter password B', { sessionId: squat.session.id })
    b.catch(() => undefined)
    await hold.entered
    // A: the squatter's own change lands first and gives the account the victim's email.
    await accounts.updateEmail(id, victim, 'squatter password A')
    // The victim signs in by email code: the first proof takes the account over.
    const { secret } = await accounts.passwordless.sendEmailCode({ userId: 'unique()', email: victim })
    const signIn = await accounts.passwordless.signInWithToken({ userId: id, secret })
    assert.equal(signIn.account.id, id)
    hold.release()

    await assert.rejects(b, (err: unknown) => err instanceof AccountsError && err.code >= 400)
    for (const password of ['squatter password A', 'squatter password B']) {
      await assert.rejects(accounts.signInWithPassword({ email: victim, password }), (err: unknown) => err instanceof AccountsError && err.type === 'user_invalid_credentials')
    }
    const now = await accounts.getAccount(id)
    assert.deepEqual([now?.passwordHash, now?.emailVerification], [null, true])
    assert.ok(await accounts.sessions.resolve({ userId: id, secret: signIn.secret }), 'the victim stays signed in')
    await accounts.store.close()
  })
})
