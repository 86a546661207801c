/**
 * Issue 9, findings 1 and 4: the first proof of an address (redeeming a code or link sent to
 * an address the account holds unverified) either takes the account over completely or is
 * refused, whatever else the account has proven; a second factor is never removed by proof of
 * the first. Driven through node-appwrite against a listening server, real SMTP capture, the
 * SMS webhook receiver and a real OAuth2 provider on loopback, on MemoryStore and RedisStore.
 */
import assert from 'node:assert/strict'
import { AuthenticatorType, ID, type Account } from 'node-appwrite'
import type { RunningApp } from '../oauth2/support.js'
import { FAILURE, MockProvider, SUCCESS, location, providerOptions, providerUser, runFlow, signInFlow } from '../oauth2/support.js'
import { API_KEY, MEMORY, PASSWORD, expectError, type StoreCase } from '../sdk/helpers.js'
import { enrolTotp, startMfaServer, totpCode, type MfaServer, type SignedIn } from '../mfa/support.js'
import { APP_ORIGIN, extractCode, extractLink, freshPhone, redisCase, uniqueEmail } from './support.js'

const SQUATTER_PW = 'the intruder chose this'
const NEW_PW = 'the rightful holder chose this one'
const fromLink = (link: URL) => ({ userId: link.searchParams.get('userId')!, secret: link.searchParams.get('secret')! })

for (const sc of [MEMORY, redisCase()] as StoreCase[]) {
  describe(`first proof of an address: take over or refuse (${sc.name})`, function () {
    let p: MockProvider
    let srv: MfaServer
    let t: RunningApp
    before(async function () {
      sc.available(this)
      p = await MockProvider.start()
      srv = await startMfaServer({
        store: sc,
        smtp: true,
        sms: true,
        options: { oauth2: providerOptions(p), allowedRedirectOrigins: [APP_ORIGIN], apiKeys: [API_KEY] },
      })
      t = { endpoint: srv.endpoint } as RunningApp
    })
    after(async () => {
      await srv?.close()
      await p?.stop()
    })

    const c = () => srv.clients
    const mailedLink = async (to: string) => extractLink((await srv.smtp!.next(to)).text)
    const mailedCode = async (to: string) => extractCode((await srv.smtp!.next(to)).text)
    const textedCode = async (to: string) => extractCode((await srv.sms!.next(to)).body)

    /** Someone signs up with `email` (perhaps not theirs) and a password, and signs in. */
    async function signUp(email: string, password = SQUATTER_PW): Promise<SignedIn & { id: string; email: string }> {
      const created = await c().guest.create({ userId: ID.unique(), email, password })
      const session = await c().key.createEmailPasswordSession({ email, password })
      return { id: created.$id, email, value: session.secret, session, account: c().withSession(session.secret) }
    }
    async function provePhone(account: Account, phone: string, password: string): Promise<void> {
      await account.updatePhone({ phone, password })
      await account.createPhoneVerification()
      const code = await textedCode(phone)
      await account.updatePhoneVerification({ userId: (await account.get()).$id, secret: code })
      assert.equal((await account.get()).phoneVerification, true)
    }
    async function proveEmail(account: Account, email: string): Promise<void> {
      await account.createEmailVerification({ url: `${APP_ORIGIN}/verify` })
      await account.updateEmailVerification(fromLink(await mailedLink(email)))
      assert.equal((await account.get()).emailVerification, true)
    }
    async function magicLink(email: string): Promise<{ userId: string; secret: string }> {
      await c().guest.createMagicURLToken({ userId: ID.unique(), email, url: `${APP_ORIGIN}/magic` })
      return fromLink(await mailedLink(email))
    }
    async function recoveryLink(email: string): Promise<{ userId: string; secret: string }> {
      await c().guest.createRecovery({ email, url: `${APP_ORIGIN}/reset` })
      return fromLink(await mailedLink(email))
    }

    describe('finding 1: a squatter who proved an address of their own', function () {
      it('victim\'s email, squatter\'s proven phone: the victim\'s magic link and email code are refused; nothing changes', async () => {
        const email = uniqueEmail('victim').toLowerCase()
        const squatter = await signUp(email)
        await provePhone(squatter.account, freshPhone(), SQUATTER_PW)

        const link = await magicLink(email)
        assert.equal(link.userId, squatter.id)
        await expectError(c().guest.updateMagicURLSession(link), 401, 'user_unauthorized', /verify/)
        await expectError(c().guest.updateMagicURLSession(link), 401, 'user_invalid_token', undefined) // spent
        const token = await c().guest.createEmailToken({ userId: ID.unique(), email })
        await expectError(c().guest.createSession({ userId: token.userId, secret: await mailedCode(email) }), 401, 'user_unauthorized')

        // The account, its sessions and its ways in are exactly as the squatter left them.
        const me = await squatter.account.get()
        assert.deepEqual([me.emailVerification, me.phoneVerification], [false, true])
        assert.equal((await squatter.account.listSessions()).total, 1)
        await c().guest.createEmailPasswordSession({ email, password: SQUATTER_PW })
      })

      it('squatter\'s proven email, victim\'s phone: the victim\'s phone code is refused; nothing changes', async () => {
        const squatter = await signUp(uniqueEmail('squatter').toLowerCase())
        await proveEmail(squatter.account, squatter.email)
        const victimPhone = freshPhone()
        await squatter.account.updatePhone({ phone: victimPhone, password: SQUATTER_PW })

        const token = await c().guest.createPhoneToken({ userId: ID.unique(), phone: victimPhone })
        assert.equal(token.userId, squatter.id)
        await expectError(c().guest.updatePhoneSession({ userId: token.userId, secret: await textedCode(victimPhone) }), 401, 'user_unauthorized')

        const me = await squatter.account.get()
        assert.deepEqual([me.phone, me.phoneVerification, me.emailVerification], [victimPhone, false, true])
        assert.equal((await squatter.account.listSessions()).total, 1)
      })

      it('nothing proven yet: the victim takes the account over and is in sole control', async () => {
        const email = uniqueEmail('victim').toLowerCase()
        const squatter = await signUp(email)
        const second = await c().key.createEmailPasswordSession({ email, password: SQUATTER_PW })
        const provider = providerUser('squatter-gh')
        p.user = provider
        await signInFlow(t, 'google', { 'X-Appwrite-Session': squatter.value })
        assert.equal((await squatter.account.listIdentities()).total, 1)
        await squatter.account.updatePhone({ phone: freshPhone(), password: SQUATTER_PW })
        await squatter.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })
        await squatter.account.createMFARecoveryCodes()
        // An OAuth2 sign-in token (token flow) the squatter keeps for later.
        const tokenFlow = await runFlow(`${srv.endpoint}/account/tokens/oauth2/google?success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`)
        const kept = fromLink(location(tokenFlow.final))
        assert.equal(kept.userId, squatter.id)

        const s = await c().key.updateMagicURLSession(await magicLink(email))
        const victim = c().withSession(s.secret)
        const me = await victim.get()
        assert.equal(me.$id, squatter.id)
        assert.deepEqual(
          [me.emailVerification, me.phone, me.phoneVerification, me.passwordUpdate, me.mfa],
          [true, '', false, '', false],
        )
        assert.equal((await victim.listIdentities()).total, 0)
        const factors = await victim.listMFAFactors()
        assert.deepEqual([factors.totp, factors.recoveryCode], [false, false])
        const stored = (await srv.accounts.getAccount(squatter.id))!
        assert.deepEqual([stored.totp ?? null, stored.recoveryCodes ?? null], [null, null])
        assert.deepEqual((await victim.listSessions()).sessions.map((x) => x.$id), [s.$id])
        for (const gone of [squatter.value, second.secret]) await expectError(c().withSession(gone).get(), 401, 'general_unauthorized_scope')
        await expectError(c().guest.createEmailPasswordSession({ email, password: SQUATTER_PW }), 401, 'user_invalid_credentials')
        await expectError(c().guest.createSession(kept), 401, 'user_invalid_token')
        // The squatter's provider login now lands in an account of its own, not the victim's.
        p.user = provider
        const again = await signInFlow(t, 'google')
        assert.notEqual((await c().withSession(again.value).get()).$id, squatter.id)
      })
    })

    describe('finding 4: mailbox access alone never removes a second factor', function () {
      async function mfaOwner(): Promise<SignedIn & { id: string; email: string; totp: string }> {
        const owner = await signUp(uniqueEmail('owner').toLowerCase(), PASSWORD)
        const totp = await enrolTotp(srv, owner)
        await owner.account.updateMFA({ mfa: true })
        return { ...owner, totp }
      }

      it('an email-code sign-in on an account with TOTP and MFA on is refused: TOTP, MFA and the owner\'s session stay', async () => {
        const owner = await mfaOwner()
        const token = await c().guest.createEmailToken({ userId: ID.unique(), email: owner.email })
        await expectError(c().guest.createSession({ userId: token.userId, secret: await mailedCode(owner.email) }), 401, 'user_unauthorized')
        await expectError(c().guest.updateMagicURLSession(await magicLink(owner.email)), 401, 'user_unauthorized')
        const me = await owner.account.get()
        assert.deepEqual([me.mfa, me.emailVerification], [true, false])
        assert.equal((await owner.account.listMFAFactors()).totp, true)
        assert.equal((await owner.account.listSessions()).total, 1)
      })

      it('recovery on that account sets the password and verifies the email, keeps TOTP and MFA, ends the sessions', async () => {
        const owner = await mfaOwner()
        await squatterExtras(owner)
        await c().guest.updateRecovery({ ...(await recoveryLink(owner.email)), password: NEW_PW })
        await expectError(c().withSession(owner.value).get(), 401, 'general_unauthorized_scope')
        await expectError(c().guest.createEmailPasswordSession({ email: owner.email, password: PASSWORD }), 401, 'user_invalid_credentials')
        const s = await c().key.createEmailPasswordSession({ email: owner.email, password: NEW_PW })
        const again = c().withSession(s.secret)
        // The second factor is still required, and still answers.
        await expectError(again.get(), 401, 'user_more_factors_required')
        const ch = await again.createMFAChallenge({ factor: 'totp' as never })
        await again.updateMFAChallenge({ challengeId: ch.$id, otp: totpCode(owner.totp, srv.clock.now()) })
        const me = await again.get()
        assert.deepEqual([me.mfa, me.emailVerification, me.phone], [true, true, ''])
        assert.equal((await again.listIdentities()).total, 0)
        assert.equal((await again.listSessions()).total, 1)
      })
    })

    /** An unproven phone and a linked provider login on `user`'s account. */
    async function squatterExtras(user: SignedIn & { id: string }): Promise<void> {
      p.user = providerUser('extra')
      await signInFlow(t, 'google', { 'X-Appwrite-Session': user.value })
      await user.account.updatePhone({ phone: freshPhone(), password: PASSWORD })
      assert.equal((await user.account.listIdentities()).total, 1)
    }

    describe('a proven owner is never wrecked', function () {
      it('a verified email that added an unverified phone: a phone-code sign-in is refused, nothing is lost', async () => {
        const user = await signUp(uniqueEmail('legit').toLowerCase(), PASSWORD)
        await proveEmail(user.account, user.email)
        const phone = freshPhone()
        await user.account.updatePhone({ phone, password: PASSWORD })
        const token = await c().guest.createPhoneToken({ userId: ID.unique(), phone })
        await expectError(c().guest.updatePhoneSession({ userId: token.userId, secret: await textedCode(phone) }), 401, 'user_unauthorized')
        const me = await user.account.get()
        assert.deepEqual([me.email, me.emailVerification, me.phone, me.phoneVerification], [user.email, true, phone, false])
        await c().guest.createEmailPasswordSession({ email: user.email, password: PASSWORD })
      })

      it('a sign-in that is not a first proof (the email is already verified) keeps everything', async () => {
        const user = await signUp(uniqueEmail('verified').toLowerCase(), PASSWORD)
        await proveEmail(user.account, user.email)
        const s = await c().key.updateMagicURLSession(await magicLink(user.email))
        assert.equal(s.userId, user.id)
        assert.equal((await user.account.listSessions()).total, 2)
        await c().guest.createEmailPasswordSession({ email: user.email, password: PASSWORD })
      })
    })

    describe('recovery on an account whose email is unverified', function () {
      it('refused when the phone is proven: nothing changes', async () => {
        const email = uniqueEmail('rsquat').toLowerCase()
        const squatter = await signUp(email)
        await provePhone(squatter.account, freshPhone(), SQUATTER_PW)
        await expectError(c().guest.updateRecovery({ ...(await recoveryLink(email)), password: NEW_PW }), 401, 'user_invalid_token', /phone/)
        await c().guest.createEmailPasswordSession({ email, password: SQUATTER_PW })
        await expectError(c().guest.createEmailPasswordSession({ email, password: NEW_PW }), 401, 'user_invalid_credentials')
        const me = await squatter.account.get()
        assert.deepEqual([me.emailVerification, me.phoneVerification], [false, true])
      })

      it('otherwise: new password, email verified, identities and the unproven phone gone, other sessions end', async () => {
        const email = uniqueEmail('rtake').toLowerCase()
        const squatter = await signUp(email, PASSWORD)
        await squatterExtras(squatter)
        const other = await c().key.createEmailPasswordSession({ email, password: PASSWORD })
        await c().guest.updateRecovery({ ...(await recoveryLink(email)), password: NEW_PW })
        for (const gone of [squatter.value, other.secret]) await expectError(c().withSession(gone).get(), 401, 'general_unauthorized_scope')
        const s = await c().key.createEmailPasswordSession({ email, password: NEW_PW })
        const me = await c().withSession(s.secret).get()
        assert.deepEqual([me.emailVerification, me.phone, me.phoneVerification], [true, '', false])
        assert.equal((await c().withSession(s.secret).listIdentities()).total, 0)
      })
    })
  })
}
