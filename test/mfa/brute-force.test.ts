/**
 * Guessing second factors (issue 6, "Brute force"): a challenge dies after 5 wrong answers;
 * one failure budget per account, shared by every factor, session and challenge: 10 wrong
 * answers in a row → `429 general_rate_limit_exceeded` for 15 minutes, even for a right
 * code; a right answer before that ends the run. Router rate limits are off here
 * (`rateLimits: false`), so every 429 below comes from the failure budget.
 *
 * The cool-down is counted in the store with real-time windows (the fake clock does not move
 * them). On Redis the test reads the lock's TTL and then expires it by hand to stand for
 * "15 minutes later".
 */
import assert from 'node:assert/strict'
import { AuthenticatorType } from 'node-appwrite'
import { connectedClient, keysByPrefix } from '../support/redis.js'
import { extractCode } from '../support/smtp-capture.js'
import {
  MEMORY, enrolTotp, newUser, redisCase, signInAgain, startMfaServer, totpCode, wrongCode, type MfaServer, type SignedIn, type User,
} from './support.js'
import type { StoreCase } from '../sdk/helpers.js'

const COOL_DOWN_MESSAGE = 'Too many wrong second-factor codes. Try again in 15 minutes.'

interface Reply {
  status: number
  body: Record<string, unknown>
}

const redis = redisCase()

for (const sc of [MEMORY, redis] as StoreCase[]) {
  describe(`MFA brute force (${sc.name})`, function () {
    let srv: MfaServer

    before(async function () {
      sc.available(this)
      srv = await startMfaServer({ store: sc, smtp: true })
    })
    after(() => srv?.close())

    /** An MFA account with TOTP and recovery codes, and a session that owes a factor. */
    async function mfaUser(): Promise<{ user: User; secret: string; codes: string[]; gated: SignedIn }> {
      const user = await newUser(srv, 'brute')
      const secret = await enrolTotp(srv, user)
      const { recoveryCodes } = await user.account.createMFARecoveryCodes()
      await user.account.updateMFA({ mfa: true })
      return { user, secret, codes: recoveryCodes, gated: await signInAgain(srv, user.email) }
    }

    const create = async (s: SignedIn, factor: string): Promise<string> => {
      const r = await srv.call('POST', '/account/mfa/challenges', { session: s.value, body: { factor } })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      return r.body.$id as string
    }
    const answer = (s: SignedIn, challengeId: string, otp: string): Promise<Reply> =>
      srv.call('PUT', '/account/mfa/challenges', { session: s.value, body: { challengeId, otp } })
    const expectReply = (r: Reply, status: number, type?: string) =>
      assert.deepEqual([r.status, r.body.type], [status, type], JSON.stringify(r.body))

    it('TOTP: 5 wrong answers kill the challenge — the right code afterwards → 401; a new challenge takes it', async function () {
      const { secret, gated } = await mfaUser()
      const id = await create(gated, 'totp')
      const bad = wrongCode(secret, srv.clock.now())
      for (let i = 0; i < 5; i++) expectReply(await answer(gated, id, bad), 401, 'user_invalid_token')
      expectReply(await answer(gated, id, totpCode(secret, srv.clock.now())), 401, 'user_invalid_token')
      // The code was not used up by the dead challenge.
      const next = await create(gated, 'totp')
      const ok = await answer(gated, next, totpCode(secret, srv.clock.now()))
      expectReply(ok, 200)
      assert.deepEqual(ok.body.factors, ['password', 'totp'])
    })

    it('4 wrong answers leave the challenge alive', async function () {
      const { secret, gated } = await mfaUser()
      const id = await create(gated, 'totp')
      for (let i = 0; i < 4; i++) expectReply(await answer(gated, id, wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token')
      expectReply(await answer(gated, id, totpCode(secret, srv.clock.now())), 200)
    })

    it('email: 5 wrong answers kill the challenge — the mailed code afterwards → 401', async function () {
      const user = await newUser(srv, 'brute-mail')
      await srv.accounts.update(user.id, (a) => {
        a.emailVerification = true
      })
      await user.account.updateMFA({ mfa: true })
      const gated = await signInAgain(srv, user.email)
      const id = await create(gated, 'email')
      const code = extractCode((await srv.smtp!.next(user.email)).text)
      for (let i = 0; i < 5; i++) expectReply(await answer(gated, id, wrongCode(null, 0, [code])), 401, 'user_invalid_token')
      expectReply(await answer(gated, id, code), 401, 'user_invalid_token')
      expectReply(await srv.call('GET', '/account', { session: gated.value }), 401, 'user_more_factors_required')
    })

    it('10 wrong answers in a row across challenges → the 10th is 401, then 429 even for the right code, on every session', async function () {
      const { user, secret, codes, gated } = await mfaUser()
      const first = await create(gated, 'totp')
      for (let i = 0; i < 5; i++) expectReply(await answer(gated, first, wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token')
      const second = await create(gated, 'totp')
      for (let i = 0; i < 4; i++) expectReply(await answer(gated, second, wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token')
      expectReply(await answer(gated, second, wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token') // the 10th
      const third = await create(gated, 'totp')
      const locked = await answer(gated, third, totpCode(secret, srv.clock.now()))
      expectReply(locked, 429, 'general_rate_limit_exceeded')
      assert.equal(locked.body.message, COOL_DOWN_MESSAGE)
      // Per account, not per session or factor.
      const other = await signInAgain(srv, user.email)
      expectReply(await answer(other, await create(other, 'totp'), totpCode(secret, srv.clock.now())), 429, 'general_rate_limit_exceeded')
      expectReply(await answer(other, await create(other, 'recoveryCode'), codes[0]), 429, 'general_rate_limit_exceeded')
      expectReply(await srv.call('GET', '/account', { session: other.value }), 401, 'user_more_factors_required')
      // Creating challenges is not what is limited.
      await create(other, 'totp')
      // Another account is not affected.
      const bystander = await mfaUser()
      expectReply(await answer(bystander.gated, await create(bystander.gated, 'totp'), totpCode(bystander.secret, srv.clock.now())), 200)

      if (sc === redis) {
        // 15 minutes, in the store; then "15 minutes later" by expiring the lock by hand.
        const client = await connectedClient()
        try {
          const [lock] = (await keysByPrefix(client, redis.prefix)).filter((k) => k.endsWith(`mfa-cool-down|${user.id}`))
          assert.ok(lock, 'a cool-down key for the account')
          const ttl = await client.pTTL(lock)
          assert.ok(ttl > 890_000 && ttl <= 900_000, `cool-down TTL ${ttl} ms ≈ 15 min`)
          await client.pExpire(lock, 1)
          await new Promise((r) => setTimeout(r, 20))
        } finally {
          await client.quit()
        }
        const after = await answer(gated, await create(gated, 'totp'), totpCode(secret, srv.clock.now()))
        expectReply(after, 200)
      }
    })

    it('wrong answers of every kind share the budget: authenticator activation, email, recovery code, unknown challenge', async function () {
      const user = await newUser(srv, 'brute-mixed')
      await srv.accounts.update(user.id, (a) => {
        a.emailVerification = true
      })
      const { secret } = await user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
      const { recoveryCodes } = await user.account.createMFARecoveryCodes()
      await user.account.updateMFA({ mfa: true })
      const gated = await signInAgain(srv, user.email)
      const activate = (otp: string) => srv.call('PUT', '/account/mfa/authenticators/totp', { session: user.value, body: { otp } })

      for (let i = 0; i < 3; i++) expectReply(await activate(wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token')
      const r = await create(gated, 'recoveryCode')
      for (let i = 0; i < 4; i++) expectReply(await answer(gated, r, 'ffffffffff'), 401, 'user_invalid_token')
      const e = await create(gated, 'email')
      const mailed = extractCode((await srv.smtp!.next(user.email)).text)
      for (let i = 0; i < 2; i++) expectReply(await answer(gated, e, wrongCode(null, 0, [mailed])), 401, 'user_invalid_token')
      expectReply(await answer(gated, 'nosuchchallenge', '000000'), 401, 'user_invalid_token')
      // 10 in a row over four kinds of answer: locked, whatever comes next.
      const locked = await activate(totpCode(secret, srv.clock.now()))
      expectReply(locked, 429, 'general_rate_limit_exceeded')
      expectReply(await answer(gated, e, mailed), 429, 'general_rate_limit_exceeded')
      expectReply(await answer(gated, await create(gated, 'recoveryCode'), recoveryCodes[0]), 429, 'general_rate_limit_exceeded')
    })

    it('a right answer before the 10th ends the run: 9 wrong, 1 right, 9 wrong, 1 right → 200', async function () {
      const { user, secret, gated } = await mfaUser()
      const wrongs = async (s: SignedIn, n: number) => {
        let id = await create(s, 'totp')
        for (let i = 0; i < n; i++) {
          if (i === 5) id = await create(s, 'totp') // a challenge takes 5
          expectReply(await answer(s, id, wrongCode(secret, srv.clock.now())), 401, 'user_invalid_token')
        }
      }
      await wrongs(gated, 9)
      expectReply(await answer(gated, await create(gated, 'totp'), totpCode(secret, srv.clock.now())), 200)
      srv.clock.advance(30_000)
      const again = await signInAgain(srv, user.email)
      await wrongs(again, 9)
      expectReply(await answer(again, await create(again, 'totp'), totpCode(secret, srv.clock.now())), 200)
    })
  })
}
