/**
 * MFA edge cases: concurrent answers (one wins), answers that try to pass off another kind
 * of token or the challenge's own internal secret, the last recovery code, and the one-live-
 * challenge-per-account rule. Runs on MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import {
  MEMORY, REDIS, challenge, enrolTotp, expectError, newUser, signInAgain, startMfaServer, totpCode, type MfaServer, type SignedIn, type User,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'
import { extractCode } from '../support/smtp-capture.js'

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`MFA edge cases (${sc.name})`, function () {
    let srv: MfaServer
    before(async function () {
      sc.available(this)
      srv = await startMfaServer({ store: sc, smtp: true })
    })
    after(() => srv?.close())

    async function mfaUser(): Promise<{ user: User; secret: string; codes: string[] }> {
      const user = await newUser(srv, 'edge')
      const secret = await enrolTotp(srv, user)
      const { recoveryCodes } = await user.account.createMFARecoveryCodes()
      await user.account.updateMFA({ mfa: true })
      return { user, secret, codes: recoveryCodes }
    }
    const put = (s: SignedIn, challengeId: string, otp: string) =>
      srv.call('PUT', '/account/mfa/challenges', { session: s.value, body: { challengeId, otp } })

    it('8 sessions answer one TOTP challenge with the right code at once → exactly one 200', async function () {
      const { user, secret } = await mfaUser()
      const sessions = await Promise.all(Array.from({ length: 8 }, () => signInAgain(srv, user.email)))
      const c = await sessions[0].account.createMFAChallenge({ factor: 'totp' as never })
      const code = totpCode(secret, srv.clock.now())
      const statuses = (await Promise.all(sessions.map((s) => put(s, c.$id, code)))).map((r) => r.status)
      assert.deepEqual(statuses.filter((x) => x === 200).length, 1, String(statuses))
      assert.ok(statuses.every((x) => x === 200 || x === 401), String(statuses))
    })

    it('8 sessions spend one recovery code at once → exactly one 200, and the code is gone', async function () {
      const { user, codes } = await mfaUser()
      const sessions = await Promise.all(Array.from({ length: 8 }, () => signInAgain(srv, user.email)))
      const c = await sessions[0].account.createMFAChallenge({ factor: 'recoveryCode' as never })
      const statuses = (await Promise.all(sessions.map((s) => put(s, c.$id, codes[0])))).map((r) => r.status)
      assert.deepEqual(statuses.filter((x) => x === 200).length, 1, String(statuses))
      const late = await signInAgain(srv, user.email)
      await expectError(challenge(late, 'recoveryCode', codes[0]), 401, 'user_invalid_token')
    })

    it('a recovery code is accepted in upper case and with surrounding spaces', async function () {
      const { user, codes } = await mfaUser()
      const s = await signInAgain(srv, user.email)
      const session = await challenge(s, 'recoveryCode', `  ${codes[3].toUpperCase()} `)
      assert.deepEqual(session.factors, ['password', 'recoveryCode'])
      await expectError(challenge(await signInAgain(srv, user.email), 'recoveryCode', codes[3]), 401, 'user_invalid_token')
    })

    it("the challenge's internal secret ('mfa-challenge:<id>') is no answer", async function () {
      const { user } = await mfaUser()
      const s = await signInAgain(srv, user.email)
      for (const factor of ['totp', 'recoveryCode']) {
        const c = await s.account.createMFAChallenge({ factor: factor as never })
        const r = await put(s, c.$id, `mfa-challenge:${c.$id}`)
        assert.deepEqual([r.status, r.body.type], [401, 'user_invalid_token'], factor)
      }
      await expectError(s.account.get(), 401, 'user_more_factors_required')
    })

    it("another flow's token (an email OTP sign-in code, id + secret) does not answer as a challenge", async function () {
      const { user } = await mfaUser()
      await srv.accounts.update(user.id, (a) => {
        a.emailVerification = true
      })
      const s = await signInAgain(srv, user.email)
      // The key caller sees the email-OTP token's secret (the 6-digit code) in the answer.
      const token = await srv.clients.key.createEmailToken({ userId: user.id, email: user.email })
      assert.match(token.secret, /^\d{6}$/)
      const r = await put(s, token.$id, token.secret)
      assert.deepEqual([r.status, r.body.type], [401, 'user_invalid_token'])
      await expectError(s.account.get(), 401, 'user_more_factors_required')
    })

    it('an emailed MFA code cannot be traded for a session at POST /account/sessions/token', async function () {
      const { user } = await mfaUser()
      await srv.accounts.update(user.id, (a) => {
        a.emailVerification = true
      })
      const s = await signInAgain(srv, user.email)
      await s.account.createMFAChallenge({ factor: 'email' as never })
      const code = extractCode((await srv.smtp!.next(user.email)).text)
      await expectError(srv.clients.guest.createSession({ userId: user.id, secret: code }), 401, 'user_invalid_token')
    })

    it('one live challenge per account: a challenge created on another session replaces this one', async function () {
      const { user, secret } = await mfaUser()
      const a = await signInAgain(srv, user.email)
      const b = await signInAgain(srv, user.email)
      const ca = await a.account.createMFAChallenge({ factor: 'totp' as never })
      await b.account.createMFAChallenge({ factor: 'totp' as never })
      await expectError(a.account.updateMFAChallenge({ challengeId: ca.$id, otp: totpCode(secret, srv.clock.now()) }), 401, 'user_invalid_token')
    })

    it("a challenge belongs to the account, not the session: another of the account's sessions may answer it", async function () {
      const { user, secret } = await mfaUser()
      const a = await signInAgain(srv, user.email)
      const b = await signInAgain(srv, user.email)
      const ca = await a.account.createMFAChallenge({ factor: 'totp' as never })
      const s = await b.account.updateMFAChallenge({ challengeId: ca.$id, otp: totpCode(secret, srv.clock.now()) })
      assert.equal(s.$id, b.session.$id, 'the answering session gains the factor')
      await expectError(a.account.get(), 401, 'user_more_factors_required')
      assert.equal((await b.account.get()).$id, user.id)
    })

    // Appwrite (RecoveryCodes/Create.php, Get.php, Update.php) tests `empty(mfaRecoveryCodes)`:
    // once every code is used the list is empty, so POST creates a new set (201) and GET /
    // PATCH answer 404 user_recovery_codes_not_found. Here listMFAFactors already says
    // recoveryCode: false and a recoveryCode challenge answers 404, yet POST answers 409
    // "already exist" (lib/mfa/mfa.ts:124 tests the record, not `hashes.length`) and GET
    // answers 200 [] (mfa.ts:133-137), PATCH 200 (mfa.ts:129).
    async function allCodesUsed(): Promise<SignedIn> {
      const { user, secret, codes } = await mfaUser()
      for (const code of codes) await challenge(await signInAgain(srv, user.email), 'recoveryCode', code)
      assert.equal((await user.account.listMFAFactors()).recoveryCode, false)
      await expectError(user.account.createMFAChallenge({ factor: 'recoveryCode' as never }), 404, 'user_recovery_codes_not_found')
      const s = await signInAgain(srv, user.email)
      await challenge(s, 'totp', totpCode(secret, srv.clock.now()))
      return s
    }

    it('after the last recovery code is used: POST recovery-codes → 201 a new set (as Appwrite)', async function () {
      const s = await allCodesUsed()
      const created = await srv.call('POST', '/account/mfa/recovery-codes', { session: s.value })
      assert.deepEqual([created.status, created.body.type], [201, undefined], JSON.stringify(created.body))
      assert.equal((created.body.recoveryCodes as string[]).length, 6)
    })

    it('after the last recovery code is used: GET and PATCH recovery-codes → 404 user_recovery_codes_not_found (as Appwrite)', async function () {
      const s = await allCodesUsed()
      await expectError(s.account.getMFARecoveryCodes(), 404, 'user_recovery_codes_not_found')
      await expectError(s.account.updateMFARecoveryCodes(), 404, 'user_recovery_codes_not_found')
    })
  })
}
