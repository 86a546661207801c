/**
 * MFA end to end through node-appwrite 27.1.0 (issue 6, "Done when"): enrol TOTP, make
 * recovery codes, turn MFA on, sign in again → `401 user_more_factors_required` everywhere but
 * the `mfa` group; a TOTP challenge opens the account; a replayed code is refused; a recovery
 * code works once; routes that change factors need a challenge from the last 30 minutes.
 * Runs on MemoryStore and, when the harness has one, RedisStore.
 */
import assert from 'node:assert/strict'
import { AuthenticationFactor, AuthenticatorType, type Models } from 'node-appwrite'
import {
  MEMORY, REDIS, MIN, assertSessionShape, challenge, enrolTotp, expectError, fmt, newUser, plain, signInAgain, startMfaServer, totpCode,
  wrongCode, type MfaServer, type User,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

const MORE = 'user_more_factors_required'
const RECENT = 'user_challenge_required'

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`MFA through node-appwrite (${sc.name})`, function () {
    let srv: MfaServer
    let user: User
    let secret: string
    let recoveryCodes: string[]
    /** A session that completed a TOTP challenge. */
    let challenged: Awaited<ReturnType<typeof signInAgain>>
    /** The code that challenge used (for the replay test). */
    let usedCode: string

    before(async function () {
      sc.available(this)
      srv = await startMfaServer({ store: sc })
      user = await newUser(srv)
    })
    after(() => srv?.close())

    describe('enrolment on a session without MFA', function () {
      it('createMFAAuthenticator({type: totp}) → 200 {secret, uri}; uri otpauth://totp/<issuer>:<label>?…&issuer=<projectName>', async function () {
        const res = await srv.call('POST', '/account/mfa/authenticators/totp', { session: user.value })
        assert.equal(res.status, 200, 'Appwrite answers 200, not 201')
        assert.deepEqual(Object.keys(res.body), ['secret', 'uri'])
        // The SDK method too (it replaces the unverified authenticator, as Appwrite does).
        const t = await user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
        assert.notEqual(t.secret, res.body.secret, 'a new secret each time')
        secret = t.secret
        const uri = new URL(t.uri)
        assert.equal(uri.protocol, 'otpauth:')
        assert.equal(uri.host, 'totp')
        assert.equal(decodeURIComponent(uri.pathname), `/MFA Test Project:${user.email}`)
        assert.equal(uri.searchParams.get('issuer'), 'MFA Test Project')
        assert.equal(uri.searchParams.get('secret'), secret)
      })

      it('unknown authenticator type → 400 general_argument_invalid', async function () {
        const res = await srv.call('POST', '/account/mfa/authenticators/sms', { session: user.value })
        assert.deepEqual([res.status, res.body.type], [400, 'general_argument_invalid'])
      })

      it('an unverified authenticator is no factor yet, and a TOTP challenge is refused (404)', async function () {
        assert.deepEqual(plain(await user.account.listMFAFactors()), { totp: false, phone: false, email: false, recoveryCode: false, custom: false })
        await expectError(user.account.createMFAChallenge({ factor: AuthenticationFactor.Totp }), 404, 'user_authenticator_not_found')
      })

      it('updateMFAAuthenticator with a wrong code → 401 user_invalid_token', async function () {
        await expectError(
          user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: wrongCode(secret, srv.clock.now()) }),
          401,
          'user_invalid_token',
        )
      })

      it('updateMFAAuthenticator with the current code → 200 Account; the session gains totp', async function () {
        const account = await user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now()) })
        assert.equal(account.$id, user.id)
        assert.equal(account.mfa, false, 'activating an authenticator does not turn MFA on')
        const s = await user.account.getSession({ sessionId: 'current' })
        assert.deepEqual(s.factors, ['password', 'totp'])
        assert.equal(s.mfaUpdatedAt, '', 'activation is no challenge')
        assert.equal((await user.account.listMFAFactors()).totp, true)
        srv.clock.advance(30_000)
      })

      it('a second activation / a new authenticator → 409 user_authenticator_already_verified', async function () {
        await expectError(user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now()) }), 409, 'user_authenticator_already_verified')
        await expectError(user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp }), 409, 'user_authenticator_already_verified')
      })

      it('createMFARecoveryCodes → 201 six codes of 10 hex; a second time → 409', async function () {
        const res = await srv.call('POST', '/account/mfa/recovery-codes', { session: user.value })
        assert.equal(res.status, 201)
        recoveryCodes = res.body.recoveryCodes as string[]
        assert.equal(recoveryCodes.length, 6)
        for (const c of recoveryCodes) assert.match(c, /^[0-9a-f]{10}$/)
        assert.equal(new Set(recoveryCodes).size, 6)
        await expectError(user.account.createMFARecoveryCodes(), 409, 'user_recovery_codes_already_exists')
        assert.equal((await user.account.listMFAFactors()).recoveryCode, true)
      })

      it('getMFARecoveryCodes / updateMFARecoveryCodes / deleteMFAAuthenticator without any challenge → 401 user_challenge_required', async function () {
        await expectError(user.account.getMFARecoveryCodes(), 401, RECENT)
        await expectError(user.account.updateMFARecoveryCodes(), 401, RECENT)
        await expectError(user.account.deleteMFAAuthenticator({ type: AuthenticatorType.Totp }), 401, RECENT)
      })

      it('updateMFA({mfa: true}) → Account with mfa true; this session stays usable', async function () {
        const account = await user.account.updateMFA({ mfa: true })
        assert.equal(account.mfa, true)
        assert.equal((await user.account.get()).mfa, true)
        await expectError(user.account.updateMFA({ mfa: 'yes' as unknown as boolean }), 400, 'general_argument_invalid')
      })
    })

    describe('the gate: a new sign-in owes a second factor', function () {
      let fresh: Awaited<ReturnType<typeof signInAgain>>
      before(async function () {
        fresh = await signInAgain(srv, user.email)
      })

      it('the new session has one factor (password) and no mfaUpdatedAt', function () {
        assert.deepEqual(fresh.session.factors, ['password'])
        assert.equal(fresh.session.mfaUpdatedAt, '')
      })

      it('get(), listSessions(), getSession, getPrefs, updatePrefs, updateName, createJWT, listIdentities → 401 user_more_factors_required', async function () {
        const a = fresh.account
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['get', () => a.get()],
          ['listSessions', () => a.listSessions()],
          ['getSession', () => a.getSession({ sessionId: 'current' })],
          ['getPrefs', () => a.getPrefs()],
          ['updatePrefs', () => a.updatePrefs({ prefs: { x: 1 } })],
          ['updateName', () => a.updateName({ name: 'Mallory' })],
          ['createJWT', () => a.createJWT()],
          ['listIdentities', () => a.listIdentities()],
          ['updateMFA', () => a.updateMFA({ mfa: false })],
          ['createMFARecoveryCodes', () => a.createMFARecoveryCodes()],
          ['getMFARecoveryCodes', () => a.getMFARecoveryCodes()],
          ['deleteMFAAuthenticator', () => a.deleteMFAAuthenticator({ type: AuthenticatorType.Totp })],
          ['deleteSessions', () => a.deleteSessions()],
          ['updateStatus', () => a.updateStatus()],
        ]
        for (const [name, call] of calls) {
          const err = await expectError(call(), 401, MORE)
          assert.equal(err.message, 'More factors are required to complete the sign in process.', name)
        }
        assert.equal((await srv.accounts.getAccount(user.id))!.name, '', 'nothing changed')
        assert.equal((await srv.accounts.sessions.list(user.id)).length, 2, 'no session deleted')
      })

      it('listMFAFactors works (the mfa group)', async function () {
        assert.deepEqual(plain(await fresh.account.listMFAFactors()), { totp: true, phone: false, email: false, recoveryCode: true, custom: false })
      })

      it('createMFAChallenge({factor: totp}) → 201 MFAChallenge {$id, $createdAt, userId, expire = now + 15 min}, no code', async function () {
        const res = await srv.call('POST', '/account/mfa/challenges', { session: fresh.value, body: { factor: 'totp' } })
        assert.equal(res.status, 201)
        assert.deepEqual(Object.keys(res.body), ['$id', '$createdAt', 'userId', 'expire'])
        assert.equal(res.body.userId, user.id)
        assert.equal(res.body.$createdAt, fmt(srv.clock.now()))
        assert.equal(res.body.expire, fmt(srv.clock.now() + 15 * MIN * 1000))
      })

      it('createMFAChallenge: bad or missing factor → 400', async function () {
        await expectError(fresh.account.createMFAChallenge({ factor: 'sms' as AuthenticationFactor }), 400, 'general_argument_invalid')
        const missing = await srv.call('POST', '/account/mfa/challenges', { session: fresh.value, body: {} })
        assert.deepEqual([missing.status, missing.body.type], [400, 'general_argument_invalid'])
      })

      it('updateMFAChallenge: unknown challenge id → 401 user_invalid_token', async function () {
        await expectError(fresh.account.updateMFAChallenge({ challengeId: 'nosuchchallenge', otp: totpCode(secret, srv.clock.now()) }), 401, 'user_invalid_token')
      })

      it('/api/me (requireSession) refuses it too; /api/me-skip (skipMfa) lets it through', async function () {
        const me = await fetch(`${srv.origin}/api/me`, { headers: { 'x-appwrite-session': fresh.value } })
        assert.equal(me.status, 401)
        assert.equal(((await me.json()) as { type: string }).type, MORE)
        const skip = await fetch(`${srv.origin}/api/me-skip`, { headers: { 'x-appwrite-session': fresh.value } })
        assert.equal(skip.status, 200)
      })

      it('deleteSession(current) works while a factor is owed (signing out stays possible)', async function () {
        const other = await signInAgain(srv, user.email)
        await expectError(other.account.get(), 401, MORE)
        await other.account.deleteSession({ sessionId: 'current' })
        await expectError(other.account.listMFAFactors(), 401, 'general_unauthorized_scope')
      })
    })

    describe('completing a TOTP challenge', function () {
      let session: Models.Session
      before(async function () {
        challenged = await signInAgain(srv, user.email)
        srv.clock.advance(30_000)
        usedCode = totpCode(secret, srv.clock.now())
        session = await challenge(challenged, 'totp', usedCode)
      })

      it('updateMFAChallenge → 200 Session with factors [password, totp] and mfaUpdatedAt = now', function () {
        assertSessionShape(session)
        assert.equal(session.$id, challenged.session.$id)
        assert.deepEqual(session.factors, ['password', 'totp'])
        assert.equal(session.mfaUpdatedAt, fmt(srv.clock.now()))
        assert.equal(session.current, true)
        assert.equal(session.secret, '', 'a session client never sees the secret')
      })

      it('get() now works, and so does /api/me', async function () {
        assert.equal((await challenged.account.get()).$id, user.id)
        const me = await fetch(`${srv.origin}/api/me`, { headers: { 'x-appwrite-session': challenged.value } })
        assert.equal(me.status, 200)
        const body = (await me.json()) as { session: { factors: string[] } }
        assert.deepEqual(body.session.factors, ['password', 'totp'])
      })

      it('the same code again (same step) on another session → 401 user_invalid_token (replay)', async function () {
        const other = await signInAgain(srv, user.email)
        await expectError(challenge(other, 'totp', usedCode), 401, 'user_invalid_token')
        // An older, still in-window code is a replay as well: a code step is used once, in order.
        await expectError(challenge(other, 'totp', totpCode(secret, srv.clock.now(), -1)), 401, 'user_invalid_token')
        await expectError(other.account.get(), 401, MORE)
        // The next step's code is new.
        srv.clock.advance(30_000)
        const s = await challenge(other, 'totp', totpCode(secret, srv.clock.now()))
        assert.ok(s.factors.includes('totp'))
        await other.account.deleteSession({ sessionId: 'current' })
      })

      it('the same code twice on the same challenge → the second is refused (the challenge is spent)', async function () {
        const other = await signInAgain(srv, user.email)
        srv.clock.advance(30_000)
        const code = totpCode(secret, srv.clock.now())
        const c = await other.account.createMFAChallenge({ factor: AuthenticationFactor.Totp })
        await other.account.updateMFAChallenge({ challengeId: c.$id, otp: code })
        await expectError(other.account.updateMFAChallenge({ challengeId: c.$id, otp: code }), 401, 'user_invalid_token')
        await other.account.deleteSession({ sessionId: 'current' })
      })

      it('aliases: POST/PUT /account/mfa/challenge', async function () {
        const other = await signInAgain(srv, user.email)
        srv.clock.advance(30_000)
        const c = await srv.call('POST', '/account/mfa/challenge', { session: other.value, body: { factor: 'totp' } })
        assert.equal(c.status, 201)
        const s = await srv.call('PUT', '/account/mfa/challenge', { session: other.value, body: { challengeId: c.body.$id, otp: totpCode(secret, srv.clock.now()) } })
        assert.equal(s.status, 200, JSON.stringify(s.body))
        assert.deepEqual(s.body.factors, ['password', 'totp'])
        assert.equal((await other.account.get()).$id, user.id)
        await other.account.deleteSession({ sessionId: 'current' })
      })

      it('a TOTP code does not answer a recovery-code challenge (and vice versa)', async function () {
        const other = await signInAgain(srv, user.email)
        srv.clock.advance(30_000)
        await expectError(challenge(other, 'recoveryCode', totpCode(secret, srv.clock.now())), 401, 'user_invalid_token')
        await expectError(challenge(other, 'totp', recoveryCodes[5]), 401, 'user_invalid_token')
        await other.account.deleteSession({ sessionId: 'current' })
      })
    })

    describe('recovery codes', function () {
      it('a recovery code answers a recoveryCode challenge → Session with factors [password, recoveryCode]', async function () {
        const s1 = await signInAgain(srv, user.email)
        const session = await challenge(s1, 'recoveryCode', recoveryCodes[0])
        assert.deepEqual(session.factors, ['password', 'recoveryCode'])
        assert.equal(session.mfaUpdatedAt, fmt(srv.clock.now()))
        assert.equal((await s1.account.get()).$id, user.id)
        assert.equal((await s1.account.listMFAFactors()).recoveryCode, true)
      })

      it('… once and only once', async function () {
        const s2 = await signInAgain(srv, user.email)
        await expectError(challenge(s2, 'recoveryCode', recoveryCodes[0]), 401, 'user_invalid_token')
        await expectError(s2.account.get(), 401, MORE)
        // Another code of the set still works.
        await challenge(s2, 'recoveryCode', recoveryCodes[1])
        assert.equal((await s2.account.get()).$id, user.id)
      })

      it('getMFARecoveryCodes (recent challenge) → the unused ones', async function () {
        const { recoveryCodes: left } = await challenged.account.getMFARecoveryCodes()
        assert.deepEqual(left, recoveryCodes.slice(2))
      })

      it('updateMFARecoveryCodes → 200 six new codes; the old ones stop working', async function () {
        const res = await srv.call('PATCH', '/account/mfa/recovery-codes', { session: challenged.value })
        assert.equal(res.status, 200)
        const fresh = res.body.recoveryCodes as string[]
        assert.equal(fresh.length, 6)
        assert.ok(fresh.every((c) => /^[0-9a-f]{10}$/.test(c) && !recoveryCodes.includes(c)))
        assert.deepEqual((await challenged.account.getMFARecoveryCodes()).recoveryCodes, fresh)
        const s = await signInAgain(srv, user.email)
        await expectError(challenge(s, 'recoveryCode', recoveryCodes[2]), 401, 'user_invalid_token')
        await challenge(s, 'recoveryCode', fresh[0])
        recoveryCodes = fresh.slice(1)
      })
    })

    describe('the 30-minute "recent challenge" window', function () {
      it('31 min later: getMFARecoveryCodes / updateMFARecoveryCodes / deleteMFAAuthenticator → 401 user_challenge_required; get() still works', async function () {
        srv.clock.advance(31 * MIN * 1000)
        await expectError(challenged.account.getMFARecoveryCodes(), 401, RECENT)
        await expectError(challenged.account.updateMFARecoveryCodes(), 401, RECENT)
        await expectError(challenged.account.deleteMFAAuthenticator({ type: AuthenticatorType.Totp }), 401, RECENT)
        assert.equal((await challenged.account.get()).$id, user.id, 'the gate itself is passed for good')
      })

      it('exactly 30 min after a challenge is still recent', async function () {
        srv.clock.advance(30_000)
        await challenge(challenged, 'totp', totpCode(secret, srv.clock.now()))
        srv.clock.advance(30 * MIN * 1000)
        assert.equal((await challenged.account.getMFARecoveryCodes()).recoveryCodes.length, 5)
        srv.clock.advance(1_000)
        await expectError(challenged.account.getMFARecoveryCodes(), 401, RECENT)
      })

      it('a new challenge on the same session → deleteMFAAuthenticator 204; again → 404', async function () {
        srv.clock.advance(30_000)
        const s = await challenge(challenged, 'totp', totpCode(secret, srv.clock.now()))
        assert.deepEqual(s.factors, ['password', 'totp'], 'a factor is listed once')
        await challenged.account.deleteMFAAuthenticator({ type: AuthenticatorType.Totp })
        await expectError(challenged.account.deleteMFAAuthenticator({ type: AuthenticatorType.Totp }), 404, 'user_authenticator_not_found')
        assert.equal((await challenged.account.listMFAFactors()).totp, false)
      })

      it('MFA on but no email/phone/TOTP factor left: a new sign-in is not gated (recovery codes alone do not count, as in Appwrite)', async function () {
        const s = await signInAgain(srv, user.email)
        assert.equal((await s.account.get()).mfa, true)
        assert.equal((await s.account.get()).$id, user.id)
      })
    })

    describe('turning MFA off', function () {
      it('updateMFA({mfa: false}) from a full session; new sign-ins are not gated even with a TOTP', async function () {
        const u = await newUser(srv, 'off')
        const sec = await enrolTotp(srv, u)
        await u.account.updateMFA({ mfa: true })
        const gated = await signInAgain(srv, u.email)
        await expectError(gated.account.get(), 401, MORE)
        await expectError(gated.account.updateMFA({ mfa: false }), 401, MORE)
        assert.equal((await u.account.updateMFA({ mfa: false })).mfa, false)
        assert.equal((await gated.account.get()).$id, u.id, 'the gate is read per request')
        assert.ok(sec)
      })
    })
  })
}

describe('MFA: node-appwrite quirk — AuthenticationFactor.Recoverycode', function () {
  let srv: MfaServer
  before(async function () {
    srv = await startMfaServer()
  })
  after(() => srv?.close())

  it("the SDK enum sends 'recoverycode' (Appwrite's value is 'recoveryCode'); the server accepts it as a recovery-code challenge", async function () {
    // node-appwrite 27.1.0: AuthenticationFactor.Recoverycode === 'recoverycode'. Appwrite
    // accepts it at creation but can then never verify it; we read it as 'recoveryCode'.
    assert.equal(AuthenticationFactor.Recoverycode as string, 'recoverycode')
    const u = await newUser(srv)
    const { recoveryCodes } = await u.account.createMFARecoveryCodes()
    const challenge = await u.account.createMFAChallenge({ factor: AuthenticationFactor.Recoverycode })
    const session = await u.account.updateMFAChallenge({ challengeId: challenge.$id, otp: recoveryCodes[0]! })
    assert.ok(session.factors.includes('recoveryCode'))
  })
})
