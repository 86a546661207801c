/**
 * fast-check arbitraries for hostile input. Bodies are built as JSON *text*, so keys such as
 * `__proto__` reach the server's parser as they would from an attacker (an object literal
 * would swallow them), and lone surrogates travel as `\udfff` escapes.
 */
import { createHmac } from 'node:crypto'
import fc from 'fast-check'

/**
 * The signed-in account every run starts with (in a store of its own, so the same id, email
 * and password serve every run). Its session is new each run: generated inputs name it with
 * placeholders that {@link resolve} fills in, so a seed replays the same inputs.
 */
export const TARGET = {
  id: 'fuzz-target',
  email: 'fuzz.target@example.com',
  password: 'correct horse battery',
  sessionId: '@SID@',
  value: '@VALUE@',
}
export type Target = typeof TARGET

/** What a run's placeholders stand for. */
export interface RunValues {
  sessionId: string
  value: string
  /** The server's JWT secret: forged tokens with wrong claims still pass the signature check. */
  secret: string
  /** A valid JWT of the run's session. */
  jwt: string
}

/** Fills in a generated text's placeholders (see {@link TARGET}) for one run. */
export function resolve(text: string, run: RunValues): string {
  if (!text.includes('@')) return text
  const now = Math.floor(Date.now() / 1000)
  const ids = `"userId":"${TARGET.id}","sessionId":"${run.sessionId}"`
  const jwts: Record<string, () => string> = {
    VALID: () => run.jwt,
    NONE: () => `${b64url('{"alg":"none"}')}.${b64url(`{${ids},"exp":${now + 60}}`)}.`,
    OTHER_KEY: () => hs256(`{${ids},"exp":${now + 60}}`, 'not-the-server-secret-but-long-enough'),
    EXPIRED: () => hs256(`{${ids},"exp":${now - 60}}`, run.secret),
    BAD_TYPES: () => hs256(`{"userId":5,"sessionId":{},"exp":${now + 60}}`, run.secret),
    NO_SESSION: () => hs256(`{"userId":"${TARGET.id}","exp":${now + 60}}`, run.secret),
    LONE: () => hs256(`{"userId":"\\udfff","sessionId":"\\ud800","exp":${now + 60}}`, run.secret),
    UNKNOWN_SESSION: () => hs256(`{"userId":"${TARGET.id}","sessionId":"nope","exp":${now + 60}}`, run.secret),
    BAD_EXP: () => hs256(`{${ids},"exp":"soon"}`, run.secret),
    PROTO: () => hs256(`{${ids},"exp":${now + 60},"__proto__":{"polluted":"yes"}}`, run.secret),
    TAMPERED: () => { const [h, , sig] = run.jwt.split('.'); return `${h}.${b64url(`{"userId":"someone-else","sessionId":"${run.sessionId}","exp":${now + 60}}`)}.${sig}` },
  }
  return text
    .replace(/@JWT_([A-Z_]+)@/g, (_, name: string) => jwts[name]!())
    .replace(/@VALUE_CUT@/g, run.value.slice(0, -4))
    .replace(/@VALUE@/g, run.value)
    .replace(/@SID@/g, run.sessionId)
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url')

/** An HS256 JWT over a payload given as JSON text (so it can hold what jsonwebtoken would refuse to sign). */
function hs256(payload: string, secret: string): string {
  const body = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(payload)}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

/** Characters Node lets through in a header value: printable ASCII and Latin-1 (obs-text). */
const headerText = (maxLength = 64) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength })

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff']

/** Strings worth trying anywhere: empty, huge, lone surrogates, control and look-alike characters, injections. */
const hostileString = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('', ' ', 'unique()', 'current', 'null', 'undefined', '__proto__', 'constructor', 'prototype', '../../etc/passwd',
    '<script>alert(1)</script>', "' OR 1=1 --", '{"$gt":""}', '%00', '\u0000', '\r\n', '\u202e', 'ǅ', 'İ', 'ß', '\ufeff', '\ufffd', '😀') },
  { weight: 3, arbitrary: fc.constantFrom(...LONE).chain((lone) => fc.string({ maxLength: 8 }).map((s) => `${s}${lone}${s}`)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(2048, 5000, 70_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(300, 40_000).map((n) => 'é'.repeat(n)) },
)

/** JSON text nested `depth` deep, as arrays or objects. */
const deepJson = fc.tuple(fc.constantFrom(33, 200, 1000, 5000), fc.boolean()).map(([depth, arrays]) =>
  arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`)

const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__')

/** JSON text for an object with pollution-shaped keys, e.g. `{"__proto__":{"polluted":1}}`. */
const protoJson = fc.tuple(protoKey, fc.constantFrom('{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '"yes"', '1', 'null', '[]'))
  .map(([k, v]) => `{${JSON.stringify(k)}:${v}}`)

/** Any hostile JSON value, as text. */
const hostileJson: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof(
    { weight: 3, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: fc.constantFrom('0', '-0', '1', '1.5', '-1', '1e309', '-1e309', '9007199254740993', '3600', '3601', 'true', 'false', 'null') },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: protoJson },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(protoKey, hostileString), tie('value')), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`) },
  ),
})).value as fc.Arbitrary<string>

/** Emails that look like the target's: mixed case, Unicode look-alikes, padding, plus-tags, lone surrogates. */
const lookAlikeEmail = (t: Target) => {
  const [local, domain] = t.email.split('@') as [string, string]
  return fc.constantFrom(
    t.email, t.email.toUpperCase(), `${local[0]!.toUpperCase()}${local.slice(1)}@${domain.toUpperCase()}`,
    ` ${t.email} `, `${t.email}.`, `${local}+tag@${domain}`, `${local}@${domain}\u200b`,
    `${local.replace(/e/g, 'е')}@${domain}`, // Cyrillic е
    `${local}＠${domain}`, `${local}@${domain.replace(/a/g, 'а')}`, `${local.replace(/i/g, 'ı')}@${domain}`,
    `${local}\udfff@${domain}`, `${local}@xn--exmple-cua.com`, `"${local}"@${domain}`, `${local}@@${domain}`, `${local}@${domain}\n`,
  )
}

/** A plausible, valid-looking value for a named parameter (so runs also get past the first check). */
function goodValue(param: string, t: Target): fc.Arbitrary<string> {
  const json = (s: string) => JSON.stringify(s)
  switch (param) {
    case 'userId': return fc.constantFrom(json('unique()'), json(t.id), json('custom-id_1.x'))
    case 'email': return lookAlikeEmail(t).map(json)
    case 'password': case 'oldPassword': return fc.constantFrom(json(t.password), json('another good password'), json('short'))
    case 'name': return fc.constantFrom(json('Ada'), json('Ada Lovelace 😀'))
    case 'phone': return fc.constantFrom(json('+14155550101'), json('+1415555'), json('0014155550101'))
    case 'url': case 'success': case 'failure': return fc.constantFrom(json('https://app.example.com/x'), json('http://localhost/cb'), json('javascript:alert(1)'), json('https://evil.example/x'))
    case 'prefs': return fc.constantFrom('{"theme":"dark"}', '[]', '{}', '{"a":{"b":[1,2,{"c":null}]}}')
    case 'phrase': case 'mfa': case 'total': return fc.constantFrom('true', 'false')
    case 'duration': return fc.constantFrom('900', '"900"', '1', '3600')
    case 'secret': case 'otp': return fc.constantFrom(json('123456'), json('0'.repeat(64)))
    case 'challengeId': return fc.constantFrom(json(t.sessionId), json('unknown'))
    case 'factor': return fc.constantFrom(json('totp'), json('email'), json('phone'), json('recoverycode'), json('custom'))
    case 'scopes': return fc.constantFrom('["openid"]', '"email"')
    case 'queries': return fc.constantFrom('["{\\"method\\":\\"limit\\",\\"values\\":[1]}"]', '[]')
    // Users service (API key) parameters.
    case 'status': case 'emailVerification': case 'phoneVerification': case 'impersonator': return fc.constantFrom('true', 'false', '"false"', '0')
    case 'number': return fc.constantFrom(json('+14155550101'), json(''), json('+1415555'))
    case 'labels': return fc.constantFrom('["admin","beta2"]', '[]', '["bad label"]', `[${Array(1001).fill('"a"').join(',')}]`, `["${'a'.repeat(37)}"]`)
    case 'length': return fc.constantFrom('6', '3', '129', '"6"')
    case 'expire': return fc.constantFrom('900', '59', '31536001', '"900"')
    case 'sessionId': return fc.constantFrom(json(t.sessionId), json('unknown'))
    case 'providerType': return fc.constantFrom(json('email'), json('sms'), json('push'), json('fax'))
    case 'identifier': return fc.constantFrom(json('other@example.com'), json('+14155550102'), json('device-token'), json(t.email))
    case 'targetId': return fc.constantFrom(json('unique()'), json('target-1'), json(t.id))
    case 'providerId': return fc.constantFrom(json('fcm'), 'null', json(''))
    case 'search': return fc.constantFrom(json('fuzz'), json(''), json('a '.repeat(200)))
    case 'passwordSalt': case 'passwordSaltSeparator': case 'passwordSignerKey': return fc.constantFrom(json('c2FsdA=='), json(''), json('SodiumChloride'))
    case 'passwordCpu': case 'passwordMemory': case 'passwordParallel': case 'passwordLength': return fc.constantFrom('16384', '8', '1', '64', '0', '-1', '1e9')
    case 'passwordVersion': return fc.constantFrom(json('sha256'), json('sha3-512'), json('md4'))
    default: return fc.constant(json('x'))
  }
}

/** Path segments for `:param`s, percent-encoded by hand (invalid UTF-8 and all). */
export function pathSegment(param: string, t: Target): fc.Arbitrary<string> {
  const real = param === 'userId' ? [t.id, t.id, 'unknown-user'] : param === 'sessionId' ? [t.sessionId, 'current'] : param === 'type' ? ['totp'] : param === 'provider' ? ['acme', 'github'] : []
  return fc.oneof(
    fc.constantFrom(...real, 'x', '%ED%BF%BF', '%E0%A4%A', '%00', '%2F..%2F', '__proto__', 'constructor', 'TOTP', 'a'.repeat(300), '%F0%9F%98%80'),
    hostileString.filter((s) => s.isWellFormed() && s.length < 3000).map((s) => encodeURIComponent(s)),
  )
}

/** Query strings the way qs reads them: brackets, pollution paths, deep nesting, bad escapes. */
export function hostileQuery(params: string[], t: Target): fc.Arbitrary<string> {
  const value = fc.oneof(hostileString.filter((s) => s.isWellFormed()).map(encodeURIComponent), fc.constantFrom('%ED%BF%BF', '%E0%A4%A', '%', '%%', '%u0041'))
  const names = params.length > 0 ? fc.constantFrom(...params) : fc.constant('x')
  const pair = fc.oneof(
    fc.tuple(names, value).map(([k, v]) => `${k}=${v}`),
    fc.tuple(names, value).map(([k, v]) => `${k}[0]=${v}&${k}[1]=${v}`),
    fc.tuple(names, value).map(([k, v]) => `${k}[a][b][c][d][e]=${v}`),
    fc.constantFrom('__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', '__proto__.polluted=yes', 'a[__proto__][polluted]=yes',
      'queries[0]=%7B%22method%22%3A%22limit%22%2C%22values%22%3A%5B1%5D%7D', 'queries[]=null', `queries[0]=${'%5B'.repeat(100)}`,
      'total=false', 'project=test', 'project=other', `project=${'%ED%A0%80'}`, 'scopes[999]=x', `scopes=${'a'.repeat(5000)}`,
      `state=${t.id}.aHR0cHM6Ly9ldmlsLmV4YW1wbGU`, 'state=..', 'error=access_denied&state=x', 'code=x&state=%ED%BF%BF'),
  )
  // Within Node's 16 KB limit for the request line (beyond it Node answers 431 before any middleware).
  return fc.array(pair, { maxLength: 4 }).map((pairs) => pairs.join('&').slice(0, 8000))
}

/** A request body: JSON text with some of the route's params (good or hostile), junk and pollution keys; or a non-object. */
export function hostileBody(params: string[], t: Target): fc.Arbitrary<{ type: string; text: string }> {
  const entry = (p: string) => fc.oneof({ weight: 1, arbitrary: goodValue(p, t) }, { weight: 2, arbitrary: hostileJson }).map((v) => `${JSON.stringify(p)}:${v}`)
  const entries = fc.tuple(...(params.length ? params.map((p) => fc.option(entry(p), { freq: 4 })) : [fc.constant(null)]),
    fc.option(fc.tuple(protoKey, hostileJson).map(([k, v]) => `${JSON.stringify(k)}:${v}`), { freq: 2 }))
  const object = entries.map((list) => `{${list.filter((e) => e !== null).join(',')}}`)
  return fc.oneof(
    { weight: 8, arbitrary: object.map((text) => ({ type: 'application/json', text })) },
    { weight: 1, arbitrary: fc.constantFrom('[]', '"str"', 'null', '123', '{"a":', '{', '', '{"__proto__":{"polluted":"yes"}}', '\u0000')
      .map((text) => ({ type: 'application/json', text })) },
    { weight: 1, arbitrary: hostileQuery(params, t).map((text) => ({ type: 'application/x-www-form-urlencoded', text })) },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x')
      .map((type) => ({ type, text: '{"a":1}' })) },
  )
}

/** Session carrier values: junk, base64 of odd JSON, lone surrogates, near-misses of the real one. */
function carrierValue(t: Target): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', 'deleted', 'not base64 !!', '====', 'e30=', b64('null'), b64('[]'), b64('"x"'), b64('{"id":5,"secret":[]}'),
      b64('{"id":{"$gt":""},"secret":{"$ne":null}}'), b64(`{"id":"${t.id}","secret":"${'0'.repeat(64)}"}`), b64(`{"id":"${t.id}"}`),
      b64('{"id":"\\udfff","secret":"\\ud800"}'), b64(`{"id":"${t.id}","secret":"${'a'.repeat(600)}"}`), b64('{"__proto__":{"id":"x","secret":"y"}}'),
      Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), 'A'.repeat(5000), '@VALUE_CUT@', `${t.value}x`),
    headerText(200),
  )
}

/** Bearer / X-Appwrite-JWT values: malformed, alg none, wrong key, right key with wrong claims, tampered, alg confusion. */
function jwtValue(t: Target): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', '.', '..', 'a.b.c', 'null', '@JWT_VALID@', '@JWT_NONE@', '@JWT_OTHER_KEY@', '@JWT_EXPIRED@', '@JWT_BAD_TYPES@',
      '@JWT_NO_SESSION@', '@JWT_LONE@', '@JWT_UNKNOWN_SESSION@', '@JWT_BAD_EXP@', '@JWT_PROTO@', '@JWT_TAMPERED@',
      `${b64url('{"alg":"RS256"}')}.${b64url(`{"userId":"${t.id}"}`)}.${b64url('sig')}`, `${'a'.repeat(3000)}.${'b'.repeat(3000)}.c`),
    fc.tuple(headerText(40), headerText(40), headerText(40)).map((parts) => parts.join('.')),
  )
}

/** Cookie headers: the session cookie with hostile values, malformed syntax, OAuth2 binding look-alikes. */
function cookieHeader(t: Target): fc.Arbitrary<string> {
  return fc.oneof(
    carrierValue(t).map((v) => `a_session_test=${v}`),
    carrierValue(t).map((v) => `a_session_test=${encodeURIComponent(v)}; a_session_test_legacy=${t.value}`),
    fc.constantFrom('a_session_test', '=;=;', 'a_session_test="unterminated', 'a_session_test=%ZZ', `a_session_test=${t.value}; a_session_test=x`,
      'a_oauth2_test_abcd=nonce', `${'a'.repeat(4000)}=1`, 'a_session_test=%ED%BF%BF', '__proto__=x; constructor=y'),
    headerText(120),
  )
}

export type Caller = 'session' | 'cookie' | 'jwt' | 'key' | 'key+session' | 'guest'

/** Who calls, and which hostile headers (none, one or two) ride along. */
export function hostileHeaders(t: Target, users = false): fc.Arbitrary<{ caller: Caller; headers: Record<string, string> }> {
  // The Users service answers only API keys (everyone else: 401 before any handler), so its
  // routes are called mostly with the key: hostile input must reach the handlers.
  const caller = users
    ? fc.constantFrom<Caller>('key', 'key', 'key', 'key', 'key', 'key+session', 'session', 'guest')
    : fc.constantFrom<Caller>('session', 'session', 'session', 'cookie', 'jwt', 'key', 'key+session', 'guest', 'guest')
  const header = fc.oneof(
    cookieHeader(t).map((v) => ['cookie', v] as const),
    carrierValue(t).map((v) => ['x-appwrite-session', v] as const),
    fc.oneof(carrierValue(t).map((v) => JSON.stringify({ a_session_test: v })),
      fc.constantFrom('{"__proto__":{"a_session_test":"x"}}', '{"a_session_test":5}', '[1]', 'null', '{', '"str"', `{"a_session_test":"${'A'.repeat(8300)}"}`), headerText(80))
      .map((v) => ['x-fallback-cookies', v] as const),
    jwtValue(t).map((v) => ['x-appwrite-jwt', v] as const),
    fc.oneof(jwtValue(t).map((j) => `Bearer ${j}`), fc.constantFrom('Basic YTpi', 'Bearer', 'bearer  x  y', 'Bearer\t.')).map((v) => ['authorization', v] as const),
    fc.constantFrom('test', '', 'other', '__proto__', 'TEST').map((v) => ['x-appwrite-project', v] as const),
    fc.constantFrom('wrong-key', '', 'FUZZ-SERVER-KEY-0123456789').map((v) => ['x-appwrite-key', v] as const),
    headerText(300).map((v) => ['user-agent', v] as const),
    headerText(300).map((v) => ['x-forwarded-user-agent', v] as const),
    fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1', 'https://app.example.com').map((v) => ['origin', v] as const),
  )
  const headers = fc.uniqueArray(header, { maxLength: 2, selector: ([name]) => name }).map((list) => Object.fromEntries(list) as Record<string, string>)
  return fc.record({ caller, headers: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 3, arbitrary: headers }) })
}
