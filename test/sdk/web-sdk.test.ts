/**
 * The web `appwrite` SDK 27.0.0 under Node, with a `window.localStorage` shim: the SDK then
 * keeps the session from `X-Fallback-Cookies` in `localStorage.cookieFallback` and sends it
 * back as `X-Fallback-Cookies` on every call (wire §1.1, §2.2). A wrapper around global
 * fetch records every exchange so the headers the SDK hides can be checked too.
 */
import assert from 'node:assert/strict'
import { Account, Client, ID, Query, type Models } from 'appwrite'
import { parseUserAgent } from '../../lib/client-info.js'
import {
  CLUSTER, GUEST_SCOPE_MESSAGE, MEMORY, PASSWORD, PROJECT, assertAccountShape, assertSessionShape, decodeSessionValue,
  expectError, failure, plain, raw, startServer, uaFields, uniqueEmail, type SdkError, type TestServer, type StoreCase,
} from './helpers.js'

type User = Models.User<Models.Preferences>
const COOKIE = `a_session_${PROJECT}`

interface Exchange {
  method: string
  path: string
  sent: Headers
  status: number
  received: Headers
}

/** Installs `window` (localStorage + console) and a recording fetch; `restore()` undoes both. */
function installBrowserShim() {
  const g = globalThis as Record<string, unknown>
  const had = Object.hasOwn(g, 'window')
  const previousWindow = g.window
  const realFetch = globalThis.fetch
  const realWarn = console.warn
  const items = new Map<string, string>()
  const localStorage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size
    },
  }
  const windowWarnings: string[] = []
  const consoleWarnings: string[] = []
  const exchanges: Exchange[] = []
  g.window = { localStorage, console: { ...console, warn: (...a: unknown[]) => windowWarnings.push(a.join(' ')) } }
  console.warn = (...a: unknown[]) => void consoleWarnings.push(a.join(' '))
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await realFetch(input, init)
    const url = new URL(input instanceof Request ? input.url : input.toString())
    exchanges.push({ method: init?.method ?? 'GET', path: url.pathname, sent: new Headers(init?.headers), status: res.status, received: res.headers })
    return res
  }
  return {
    items,
    windowWarnings,
    consoleWarnings,
    exchanges,
    last: () => exchanges[exchanges.length - 1],
    restore() {
      globalThis.fetch = realFetch
      console.warn = realWarn
      if (had) g.window = previousWindow
      else delete g.window
    },
  }
}

type Shim = ReturnType<typeof installBrowserShim>

function webAccount(srv: TestServer): Account {
  return new Account(new Client().setEndpoint(srv.endpoint).setProject(PROJECT))
}

// MemoryStore, then the run's 3-master Redis Cluster (every route's store calls must stay on one slot).
for (const sc of [MEMORY, CLUSTER] as StoreCase[]) {
  describe(`web appwrite SDK with a localStorage shim (${sc.name})`, function () {
    before(function () {
      sc.available(this)
    })

    describe('sign-up, sign-in, read and sign-out through X-Fallback-Cookies', function () {
      let srv: TestServer
      let shim: Shim
      let account: Account
      let email: string
      const seen: Record<string, unknown> = {}
      before(async function () {
        srv = await startServer(sc)
        shim = installBrowserShim()
        account = webAccount(srv)
        email = uniqueEmail('web')
        seen.created = await account.create({ userId: ID.unique(), email, password: PASSWORD, name: 'Web User' })
        seen.session = await account.createEmailPasswordSession({ email, password: PASSWORD })
        seen.login = shim.last()
        seen.stored = shim.items.get('cookieFallback')
        seen.me = await account.get()
        seen.get = shim.last()
        seen.list = await account.listSessions()
        seen.current = await account.getSession({ sessionId: 'current' })
        seen.named = await account.updateName({ name: 'Renamed' })
        seen.logs = await account.listLogs({ queries: [Query.limit(2)] })
        seen.again = await failure(account.createEmailPasswordSession({ email, password: PASSWORD }))
        await account.deleteSession({ sessionId: 'current' })
        seen.logout = shim.last()
        seen.storedAfter = shim.items.get('cookieFallback')
        seen.after = await failure(account.get())
        seen.wrong = await failure(account.createEmailPasswordSession({ email, password: 'not the password' }))
      })
      after(async () => {
        shim?.restore()
        await srv?.close()
      })
      const get = <T>(k: string) => seen[k] as T

      it('create answers the Account model', () => {
        const a = get<User>('created')
        assertAccountShape(a)
        assert.deepEqual([a.email, a.name], [email.toLowerCase(), 'Web User'])
      })
      it('the session answer is current, secret "", UA fields of the Node fetch', () => {
        const s = get<Models.Session>('session')
        assertSessionShape(s)
        assert.deepEqual([s.current, s.secret, s.provider, s.userId], [true, '', 'email', get<User>('created').$id])
        assert.deepEqual(uaFields(s), { ...parseUserAgent('node') })
      })
      it('login answered X-Fallback-Cookies {"a_session_test": value}, stored verbatim', () => {
        const header = get<Exchange>('login').received.get('x-fallback-cookies')
        assert.ok(header, 'X-Fallback-Cookies on the login response')
        assert.equal(get('stored'), header)
        const parsed = JSON.parse(header) as Record<string, string>
        assert.deepEqual(Object.keys(parsed), [COOKIE])
        assert.equal(decodeSessionValue(parsed[COOKIE]).id, get<User>('created').$id)
      })
      it('login also set the a_session_test and _legacy cookies', () => {
        const cookies = get<Exchange>('login').received.getSetCookie()
        assert.ok(cookies.some((c) => c.startsWith(`${COOKIE}=`)), 'main cookie')
        assert.ok(cookies.some((c) => c.startsWith(`${COOKIE}_legacy=`)), 'legacy cookie')
        for (const c of cookies) assert.match(c, /HttpOnly/i)
      })
      it('the SDK took its localStorage path (its own notice on window.console)', () => {
        assert.ok(shim.windowWarnings.some((w) => w.includes('localStorage')))
      })
      it('get() sent X-Fallback-Cookies back and resolved to the account', () => {
        assert.equal(get<Exchange>('get').sent.get('x-fallback-cookies'), get('stored'))
        assert.equal(get<User>('me').$id, get<User>('created').$id)
      })
      it('listLogs: the newest entries with the Node fetch UA parsed, total counting all', () => {
        const logs = get<Models.LogList>('logs')
        assert.equal(logs.total, 3)
        assert.deepEqual(logs.logs.map((l) => l.event), ['user.update.name', 'session.create.email'])
        assert.equal(logs.logs[0]!.osName, parseUserAgent('node').osName)
        assert.equal(logs.logs[0]!.clientName, parseUserAgent('node').clientName)
      })
      it('listSessions: one session, current, secret ""', () => {
        const list = get<Models.SessionList>('list')
        assert.equal(list.total, 1)
        assert.deepEqual(list.sessions.map((s) => [s.$id, s.current, s.secret]), [[get<Models.Session>('session').$id, true, '']])
      })
      it("getSession('current') resolves the same session", () => {
        const s = get<Models.Session>('current')
        assert.deepEqual([s.$id, s.current], [get<Models.Session>('session').$id, true])
      })
      it('updateName works through the fallback carrier', () => assert.equal(get<User>('named').name, 'Renamed'))
      it('signing in again while signed in → 401 user_session_already_exists', () =>
        expectError(get<SdkError>('again'), 401, 'user_session_already_exists'))
      it("deleteSession('current') answered X-Fallback-Cookies: [] and the SDK stored it", () => {
        assert.equal(get<Exchange>('logout').status, 204)
        assert.equal(get<Exchange>('logout').received.get('x-fallback-cookies'), '[]')
        assert.equal(get('storedAfter'), '[]')
      })
      it('logout expired both cookies', () => {
        const cookies = get<Exchange>('logout').received.getSetCookie()
        for (const name of [COOKIE, `${COOKIE}_legacy`]) {
          const c = cookies.find((x) => x.startsWith(`${name}=`))
          assert.ok(c, name)
          assert.match(c, /Expires=Thu, 01 Jan 1970/)
        }
      })
      it('get() after logout → 401 general_unauthorized_scope', () =>
        expectError(get<SdkError>('after'), 401, 'general_unauthorized_scope', GUEST_SCOPE_MESSAGE))
      it('wrong password → 401 user_invalid_credentials, localStorage untouched', async () => {
        await expectError(get<SdkError>('wrong'), 401, 'user_invalid_credentials')
        assert.equal(shim.items.get('cookieFallback'), '[]')
      })
      it('duplicate sign-up → 409 user_already_exists; short password → 400', async () => {
        await expectError(account.create({ userId: ID.unique(), email, password: PASSWORD }), 409, 'user_already_exists')
        await expectError(account.create({ userId: ID.unique(), email: uniqueEmail(), password: 'short' }), 400, 'general_argument_invalid')
      })
      it('no response carried X-Appwrite-Warning and the SDK printed no "Warning:"', () => {
        assert.ok(shim.exchanges.length >= 10)
        for (const x of shim.exchanges) assert.equal(x.received.get('x-appwrite-warning'), null, `${x.method} ${x.path}`)
        assert.deepEqual(shim.consoleWarnings.filter((w) => w.startsWith('Warning:')), [])
      })
      it('every request said response format 2.0.0 and every body answer was JSON', () => {
        for (const x of shim.exchanges) {
          assert.equal(x.sent.get('x-appwrite-response-format'), '2.0.0')
          if (x.status !== 204) assert.match(x.received.get('content-type') ?? '', /application\/json/, `${x.method} ${x.path}`)
        }
      })
    })

    describe('anonymous session, conversion and deleteSessions', function () {
      let srv: TestServer
      let shim: Shim
      let email: string
      const seen: Record<string, unknown> = {}
      before(async function () {
        srv = await startServer(sc)
        shim = installBrowserShim()
        const account = webAccount(srv)
        email = uniqueEmail('webanon')
        seen.session = await account.createAnonymousSession()
        seen.stored = shim.items.get('cookieFallback')
        seen.me = await account.get()
        seen.converted = await account.updateEmail({ email, password: PASSWORD })
        seen.prefs = await account.updatePrefs({ prefs: { lang: 'fr' } })
        seen.prefsRead = await account.getPrefs()
        await account.deleteSessions()
        seen.storedAfter = shim.items.get('cookieFallback')
        seen.after = await failure(account.get())
        seen.signIn = await account.createEmailPasswordSession({ email, password: PASSWORD })
      })
      after(async () => {
        shim?.restore()
        await srv?.close()
      })
      const get = <T>(k: string) => seen[k] as T

      it('createAnonymousSession answers secret "" but the fallback carries the session', () => {
        const s = get<Models.Session>('session')
        assert.deepEqual([s.secret, s.provider, s.current], ['', 'anonymous', true])
        const stored = JSON.parse(get<string>('stored')) as Record<string, string>
        assert.equal(decodeSessionValue(stored[COOKIE]).id, s.userId)
      })
      it('get() reads the anonymous account', () => {
        const me = get<User>('me')
        assert.deepEqual([me.$id, me.email, me.passwordUpdate], [get<Models.Session>('session').userId, '', ''])
      })
      it('updateEmail converts it in place', () => {
        const a = get<User>('converted')
        assert.deepEqual([a.$id, a.email], [get<User>('me').$id, email.toLowerCase()])
      })
      it('updatePrefs / getPrefs round-trip', () => {
        assert.deepEqual(plain(get<User>('prefs').prefs), { lang: 'fr' })
        assert.deepEqual(plain(get('prefsRead')), { lang: 'fr' })
      })
      it('deleteSessions answered X-Fallback-Cookies: [] → guest', async () => {
        assert.equal(get('storedAfter'), '[]')
        await expectError(get<SdkError>('after'), 401, 'general_unauthorized_scope')
      })
      it('email sign-in reaches the converted account', () => assert.equal(get<Models.Session>('signIn').userId, get<User>('me').$id))
    })

    describe('blocking with updateStatus', function () {
      let srv: TestServer
      let shim: Shim
      const seen: Record<string, unknown> = {}
      before(async function () {
        srv = await startServer(sc)
        shim = installBrowserShim()
        const account = webAccount(srv)
        const email = uniqueEmail('webblock')
        await account.create({ userId: ID.unique(), email, password: PASSWORD })
        await account.createEmailPasswordSession({ email, password: PASSWORD })
        seen.blocked = await account.updateStatus()
        seen.response = shim.last()
        seen.after = await failure(account.get())
        seen.signIn = await failure(account.createEmailPasswordSession({ email, password: PASSWORD }))
      })
      after(async () => {
        shim?.restore()
        await srv?.close()
      })
      const get = <T>(k: string) => seen[k] as T

      it('answers the Account with status false', () => assert.equal(get<User>('blocked').status, false))
      it('clears the fallback carrier (X-Fallback-Cookies: [])', () => {
        assert.equal(get<Exchange>('response').received.get('x-fallback-cookies'), '[]')
        assert.equal(shim.items.get('cookieFallback'), '[]')
      })
      it('the SDK is then a guest → 401 general_unauthorized_scope', () =>
        expectError(get<SdkError>('after'), 401, 'general_unauthorized_scope'))
      it('signing in again → 403 user_blocked', () => expectError(get<SdkError>('signIn'), 403, 'user_blocked'))
    })

    describe('response format 2.0.0 without a shim', function () {
      let srv: TestServer
      let res: Response
      before(async function () {
        srv = await startServer(sc)
        res = await raw(srv.endpoint, '/account', { headers: { 'x-appwrite-response-format': '2.0.0' } })
      })
      after(() => srv?.close())

      it('answers 401 JSON without an X-Appwrite-Warning header', async () => {
        assert.equal(res.status, 401)
        assert.equal(res.headers.get('x-appwrite-warning'), null)
        assert.equal(((await res.json()) as { type: string }).type, 'general_unauthorized_scope')
      })
    })
  })
}
