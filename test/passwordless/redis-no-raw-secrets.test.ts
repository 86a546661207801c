/**
 * "No raw token secret or code appears in Redis (a test scans the keys)" (issue 3, Done when).
 * Issues one live token of every kind on RedisStore, takes the raw secrets from the received
 * messages, then reads every key under the scenario's prefix (strings, hashes, sets, zsets,
 * lists). 64-hex secrets must not appear anywhere, even as substrings; 6-digit codes must
 * not appear as a whole value (a JSON string/number, a hash value, a member or a key segment)
 * — as substrings they could turn up by chance inside hex digests.
 */
import assert from 'node:assert/strict'
import { decodeSessionValue } from '../sdk/helpers.js'
import { connectedClient, dumpByPrefix, type TestRedisClient } from '../support/redis.js'
import {
  APP_ORIGIN, PASSWORD, freshPhone, mailedCode, mailedLink, passwordUser, redisCase, startHarness, textedCode, uniqueEmail,
  type Harness,
} from './support.js'

type Dump = Awaited<ReturnType<typeof dumpByPrefix>>
const dump = dumpByPrefix

/** Every scalar inside a value: the value itself, and when it is JSON, each string/number in it. */
function scalars(value: string): string[] {
  const out = [value]
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return out
  }
  const walk = (v: unknown): void => {
    if (typeof v === 'string' || typeof v === 'number') out.push(String(v))
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
      out.push(k)
      walk(x)
    }
  }
  walk(parsed)
  return out
}

const fromLink = (link: URL) => link.searchParams.get('secret')!

describe('passwordless: no raw token secret or code in Redis', function () {
  const sc = redisCase()
  let h: Harness
  let client: TestRedisClient
  const codes: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  let data: Dump

  before(async function () {
    sc.available(this)
    h = await startHarness(sc)
    client = await connectedClient()
    // Email OTP and magic URL for new addresses (creates password-less accounts).
    const otpEmail = uniqueEmail('otp')
    await h.call('POST', '/account/tokens/email', { body: { userId: 'unique()', email: otpEmail } })
    codes.emailOtp = await mailedCode(h, otpEmail)
    const magicEmail = uniqueEmail('magic')
    await h.call('POST', '/account/tokens/magic-url', { body: { userId: 'unique()', email: magicEmail, url: `${APP_ORIGIN}/m` } })
    secrets.magicUrl = fromLink(await mailedLink(h, magicEmail))
    // Phone OTP for a new number.
    const otpPhone = freshPhone()
    await h.call('POST', '/account/tokens/phone', { body: { userId: 'unique()', phone: otpPhone } })
    codes.phoneOtp = await textedCode(h, otpPhone)
    // Recovery, email and phone verification for a password account with a phone.
    const user = await passwordUser(h, uniqueEmail('pw'), PASSWORD)
    secrets.session = decodeSessionValue(user.session).secret
    await h.call('POST', '/account/recovery', { body: { email: user.email, url: `${APP_ORIGIN}/r` } })
    secrets.recovery = fromLink(await mailedLink(h, user.email))
    await h.call('POST', '/account/verifications/email', { session: user.session, body: { url: `${APP_ORIGIN}/v` } })
    secrets.emailVerification = fromLink(await mailedLink(h, user.email))
    const phone = freshPhone()
    const set = await h.call('PATCH', '/account/phone', { session: user.session, body: { phone, password: PASSWORD } })
    assert.equal(set.status, 200)
    await h.call('POST', '/account/verifications/phone', { session: user.session })
    codes.phoneVerification = await textedCode(h, phone)
    data = await dump(client, sc.prefix)
  })
  after(async () => {
    await client?.quit()
    await h?.close()
  })

  it('got every raw secret and code from the delivered messages', () => {
    for (const c of Object.values(codes)) assert.match(c, /^\d{6}$/)
    for (const [k, s] of Object.entries(secrets)) assert.match(s, /^[0-9a-f]{64,}$/, k)
  })
  it('the scan sees the live tokens of all six kinds (the test is not vacuous)', () => {
    const kinds = new Set<string>()
    for (const v of data.values) {
      try {
        const t = JSON.parse(v) as { kind?: unknown; secretHash?: unknown }
        if (typeof t.kind === 'string' && typeof t.secretHash === 'string') kinds.add(t.kind)
      } catch {
        // not JSON
      }
    }
    assert.deepEqual([...kinds].sort(), ['email-otp', 'email-verification', 'magic-url', 'phone-otp', 'phone-verification', 'recovery'])
  })
  it('no 64-hex secret (magic URL, recovery, email verification, session) appears, even as a substring', () => {
    for (const [name, secret] of Object.entries(secrets)) {
      for (const key of data.keys) assert.ok(!key.includes(secret), `${name} secret in key ${key}`)
      for (const v of data.values) assert.ok(!v.includes(secret), `${name} secret in a value`)
    }
  })
  it('no 6-digit code (email OTP, phone OTP, phone verification) appears as a whole value', () => {
    const all = data.values.flatMap(scalars)
    for (const [name, code] of Object.entries(codes)) {
      assert.ok(!all.includes(code), `${name} code ${code} stored as a value`)
      // As a JSON number only when it has no leading zero ("000003" → 3 would match any small count).
      if (code[0] !== '0') assert.ok(!all.includes(String(Number(code))), `${name} code ${code} stored as a number`)
      for (const key of data.keys) assert.ok(!key.split(/[:{}|]/).includes(code), `${name} code in key ${key}`)
    }
  })
  it('no 6-digit code appears as a quoted JSON string anywhere', () => {
    for (const [name, code] of Object.entries(codes)) {
      for (const v of data.values) assert.ok(!v.includes(`"${code}"`), `${name} code as "${code}"`)
    }
  })
})
