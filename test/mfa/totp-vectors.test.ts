/**
 * The TOTP implementation (issue 6, "Done when"): `otpauth` as configured by `lib/mfa/mfa.ts`
 * passes the RFC 6238 Appendix B vectors (SHA-1) and the RFC 4226 Appendix D HOTP vectors;
 * and OUR server accepts what a standard authenticator computes from the secret it hands
 * out — the current step and one step either side, nothing further.
 */
import assert from 'node:assert/strict'
import { HOTP, Secret, TOTP, URI } from 'otpauth'
import { AuthenticationFactor, AuthenticatorType } from 'node-appwrite'
import { expectError, newUser, startMfaServer, totpCode, type MfaServer } from './support.js'

/** The ASCII seed both RFCs use for SHA-1. */
const SEED = Secret.fromLatin1('12345678901234567890')

describe('MFA: TOTP test vectors (otpauth, SHA-1)', function () {
  it('the RFC seed is the 20 bytes of "12345678901234567890"', function () {
    assert.equal(Buffer.from(SEED.bytes).toString('latin1'), '12345678901234567890')
    assert.equal(SEED.hex, '3132333435363738393031323334353637383930')
  })

  // RFC 6238 Appendix B, SHA1 column: T = 30 s, T0 = 0, 8 digits.
  const RFC6238: Array<[number, string]> = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ]
  const totp8 = new TOTP({ secret: SEED, algorithm: 'SHA1', digits: 8, period: 30 })
  for (const [seconds, expected] of RFC6238) {
    it(`RFC 6238 B: T = ${seconds} s → ${expected}`, function () {
      assert.equal(totp8.generate({ timestamp: seconds * 1000 }), expected)
      assert.equal(TOTP.generate({ secret: SEED, algorithm: 'SHA1', digits: 8, period: 30, timestamp: seconds * 1000 }), expected)
      // And validation finds it at delta 0, with the window the server uses.
      assert.equal(totp8.validate({ token: expected, timestamp: seconds * 1000, window: 1 }), 0)
    })
  }

  it('RFC 6238 B: the counters (T) of the listed times', function () {
    // Appendix B's T column (hex), as otpauth computes it.
    const counters = RFC6238.map(([s]) => TOTP.counter({ period: 30, timestamp: s * 1000 }).toString(16).toUpperCase().padStart(16, '0'))
    assert.deepEqual(counters, ['0000000000000001', '00000000023523EC', '00000000023523ED', '000000000273EF07', '0000000003F940AA', '0000000027BC86AA'])
  })

  // RFC 4226 Appendix D: 6-digit HOTP for counters 0–9.
  const RFC4226 = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
  it('RFC 4226 D: HOTP counters 0–9', function () {
    const hotp = new HOTP({ secret: SEED, algorithm: 'SHA1', digits: 6 })
    assert.deepEqual(RFC4226.map((_, counter) => hotp.generate({ counter })), RFC4226)
    assert.deepEqual(RFC4226.map((_, counter) => HOTP.generate({ secret: SEED, counter })), RFC4226)
  })

  it('RFC 4226 D: each value validates at its own counter only (window 0)', function () {
    const hotp = new HOTP({ secret: SEED, algorithm: 'SHA1', digits: 6 })
    RFC4226.forEach((token, counter) => {
      assert.equal(hotp.validate({ token, counter, window: 0 }), 0)
      assert.equal(hotp.validate({ token, counter: counter + 2, window: 1 }), null)
    })
  })

  it('a 6-digit, 30-second TOTP is the HOTP of floor(t / 30) (how the server config relates to both RFCs)', function () {
    const totp6 = new TOTP({ secret: SEED, algorithm: 'SHA1', digits: 6, period: 30 })
    for (let counter = 0; counter < RFC4226.length; counter++) {
      assert.equal(totp6.generate({ timestamp: counter * 30_000 + 29_999 }), RFC4226[counter])
    }
  })
})

describe('MFA: our authenticator is a standard TOTP (SHA-1, 6 digits, 30 s, ±1 step)', function () {
  let srv: MfaServer
  before(async function () {
    srv = await startMfaServer()
  })
  after(() => srv?.close())

  it('the otpauth:// URI says SHA1 / 6 digits / 30 s and carries the same secret', async function () {
    const u = await newUser(srv)
    const { secret, uri } = await u.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
    const parsed = URI.parse(uri)
    assert.ok(parsed instanceof TOTP)
    assert.deepEqual(
      { algorithm: parsed.algorithm, digits: parsed.digits, period: parsed.period, secret: parsed.secret.base32, issuer: parsed.issuer, label: parsed.label },
      { algorithm: 'SHA1', digits: 6, period: 30, secret, issuer: 'MFA Test Project', label: u.email },
    )
    assert.match(secret, /^[A-Z2-7]{32}$/, '160-bit secret, base32 without padding')
  })

  // Each offset on a fresh authenticator: an accepted code is remembered (replay protection),
  // so one account cannot be used to try several offsets.
  for (const [steps, accepted] of [[-2, false], [-1, true], [0, true], [1, true], [2, false]] as Array<[number, boolean]>) {
    it(`activation with the code of step ${steps > 0 ? '+' : ''}${steps} → ${accepted ? '200' : '401 user_invalid_token'}`, async function () {
      const u = await newUser(srv)
      const { secret } = await u.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
      // A far code that happens to equal an in-window one (1 in ~300 000) would pass: skip such a step.
      while (!accepted && [-1, 0, 1].some((s) => totpCode(secret, srv.clock.now(), s) === totpCode(secret, srv.clock.now(), steps))) srv.clock.advance(30_000)
      const code = totpCode(secret, srv.clock.now(), steps)
      if (!accepted) {
        await expectError(u.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: code }), 401, 'user_invalid_token')
        assert.equal((await u.account.listMFAFactors()).totp, false)
      } else {
        const account = await u.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: code })
        assert.equal(account.$id, u.id)
        assert.equal((await u.account.listMFAFactors()).totp, true)
      }
    })
  }

  it('a code computed by otpauth at the fake clock time answers a TOTP challenge; ±1 accepted, ±2 rejected', async function () {
    const u = await newUser(srv)
    const { secret } = await u.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
    await u.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now(), -1) })
    const answer = async (steps: number) => {
      const c = await u.account.createMFAChallenge({ factor: AuthenticationFactor.Totp })
      return u.account.updateMFAChallenge({ challengeId: c.$id, otp: totpCode(secret, srv.clock.now(), steps) })
    }
    // Move on 3 steps: every code below is newer than the activation code. Skip a step where
    // a ±2 code happens to equal an in-window one (1 in ~150 000).
    srv.clock.advance(90_000)
    const inWindow = () => [-1, 0, 1].map((s) => totpCode(secret, srv.clock.now(), s))
    while ([-2, 2].some((s) => inWindow().includes(totpCode(secret, srv.clock.now(), s)))) srv.clock.advance(30_000)
    await expectError(answer(-2), 401, 'user_invalid_token')
    await expectError(answer(2), 401, 'user_invalid_token')
    const s = await answer(-1)
    assert.ok(s.factors.includes('totp'))
    await answer(0)
    await answer(1)
  })
})
