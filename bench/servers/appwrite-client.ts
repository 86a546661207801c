/**
 * The few Appwrite Account calls the bench makes as a client would (plain `fetch`, the wire
 * format only), so the variants' setup does not depend on the library's internals.
 */
import { BENCH_PASSWORD } from './bench-user.js'

export const PROJECT = 'bench'
export const SECRET = 'bench-secret-that-is-at-least-32-bytes-long'
/** The account the `requireSession()` variants sign up and in as. */
export const BENCH_EMAIL = 'bench.user@example.com'

export interface SignedIn {
  userId: string
  /** The `a_session_bench` cookie value exactly as the server set it (URL-encoded). */
  cookieValue: string
  /** The decoded session value, what `X-Appwrite-Session` carries. */
  sessionValue: string
}

/** Human-ish browser, so the session records a realistic parsed client. */
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

async function call(origin: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`)
  return res
}

/** `POST /v1/account`. */
export async function signUp(origin: string, email: string): Promise<string> {
  const res = await call(origin, '/v1/account', { userId: 'unique()', email, password: BENCH_PASSWORD, name: 'Bench User' })
  return ((await res.json()) as { $id: string }).$id
}

/** `POST /v1/account/sessions/email`; the session value comes from the cookie it sets. */
export async function signIn(origin: string, email: string): Promise<SignedIn> {
  const res = await call(origin, '/v1/account/sessions/email', { email, password: BENCH_PASSWORD })
  const userId = ((await res.json()) as { userId: string }).userId
  const name = `a_session_${PROJECT}=`
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(name))
  if (!cookie) throw new Error(`sign-in set no ${name} cookie`)
  const cookieValue = cookie.slice(name.length).split(';')[0]
  return { userId, cookieValue, sessionValue: decodeURIComponent(cookieValue) }
}

/** `POST /v1/account/jwts` for the session; `duration` in seconds (1–3600). */
export async function createJwt(origin: string, session: SignedIn, duration: number): Promise<string> {
  const res = await call(origin, '/v1/account/jwts', { duration }, { 'x-appwrite-session': session.sessionValue })
  return ((await res.json()) as { jwt: string }).jwt
}

/** `GET /v1/account/sessions` with the `X-Appwrite-Session` value: the ids of the account's sessions. */
export async function listSessionIds(origin: string, sessionValue: string): Promise<string[]> {
  const res = await fetch(`${origin}/v1/account/sessions`, { headers: { 'x-appwrite-session': sessionValue } })
  if (res.status !== 200) throw new Error(`GET /v1/account/sessions answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { sessions: { $id: string }[] }).sessions.map((s) => s.$id)
}
