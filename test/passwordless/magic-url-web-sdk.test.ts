/**
 * The magic URL flow through the web `appwrite` SDK (issue 3 "Done when": the web SDK for at
 * least the magic URL flow), with a `window.localStorage` shim so the SDK keeps the session
 * from `X-Fallback-Cookies` (wire §1.1, §2.2) — as test/sdk/web-sdk.test.ts does.
 */
import assert from 'node:assert/strict'
import { Account, Client, ID, type Models } from 'appwrite'
import { APP_ORIGIN, PROJECT, expectError, mailedLink, plain, startHarness, uniqueEmail, type Harness } from './support.js'

type User = Models.User<Models.Preferences>

/** `window` with a Map-backed localStorage and a quiet console; `restore()` undoes it. */
function installLocalStorage() {
  const g = globalThis as Record<string, unknown>
  const had = Object.hasOwn(g, 'window')
  const previous = g.window
  const items = new Map<string, string>()
  g.window = {
    localStorage: {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, String(v)),
      removeItem: (k: string) => void items.delete(k),
    },
    console: { ...console, warn: () => undefined },
  }
  return {
    items,
    restore() {
      if (had) g.window = previous
      else delete g.window
    },
  }
}

const webAccount = (h: Harness) => new Account(new Client().setEndpoint(h.endpoint).setProject(PROJECT))
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

describe('passwordless: magic URL through the web SDK (MemoryStore)', function () {
  let h: Harness
  let shim: ReturnType<typeof installLocalStorage>
  beforeEach(async () => {
    h = await startHarness()
    shim = installLocalStorage()
  })
  afterEach(async () => {
    shim?.restore()
    await h?.close()
  })

  it('createMagicURLToken → link from the real email → updateMagicURLSession → get()', async () => {
    const account = webAccount(h)
    const email = uniqueEmail('web')
    const userId = ID.unique()
    const token = await account.createMagicURLToken({ userId, email, url: `${APP_ORIGIN}/magic` })
    assert.deepEqual([token.userId, token.secret], ['', ''], 'a browser sees neither')
    const link = await mailedLink(h, email)
    assert.equal(link.origin + link.pathname, `${APP_ORIGIN}/magic`)
    const session = await account.updateMagicURLSession(fromLink(link))
    assert.deepEqual([session.provider, session.factors, session.current, session.secret], ['magic-url', ['email'], true, ''])
    const stored = JSON.parse(shim.items.get('cookieFallback') ?? '{}') as Record<string, string>
    assert.ok(stored[`a_session_${PROJECT}`], 'the SDK kept the session from X-Fallback-Cookies')
    const me = plain(await account.get()) as User
    assert.deepEqual([me.$id, me.email, me.emailVerification], [session.userId, email.toLowerCase(), true])
  })

  it('createMagicURLToken → link → createSession → get()', async () => {
    const account = webAccount(h)
    const email = uniqueEmail('web2')
    await account.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/magic`, phrase: true })
    const session = await account.createSession(fromLink(await mailedLink(h, email)))
    assert.equal(session.provider, 'magic-url')
    const me = await account.get()
    assert.deepEqual([me.$id, me.emailVerification], [session.userId, true])
    const sessions = await account.listSessions()
    assert.deepEqual(sessions.sessions.map((s) => [s.$id, s.provider, s.current]), [[session.$id, 'magic-url', true]])
  })

  it('the same link a second time → 401 user_invalid_token', async () => {
    const account = webAccount(h)
    const email = uniqueEmail('web3')
    await account.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/magic` })
    const link = await mailedLink(h, email)
    await account.updateMagicURLSession(fromLink(link))
    shim.items.delete('cookieFallback') // a second browser
    await expectError(account.updateMagicURLSession(fromLink(link)), 401, 'user_invalid_token')
  })

  it('a foreign redirect url is refused before anything is sent', async () => {
    const account = webAccount(h)
    await expectError(account.createMagicURLToken({ userId: ID.unique(), email: uniqueEmail(), url: 'https://evil.test/steal' }), 400, 'general_argument_invalid')
  })
})
