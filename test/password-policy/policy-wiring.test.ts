/**
 * The password policy on every path that sets a password — sign-up, password change,
 * recovery, the first password of a password-less account — through the router (real HTTP),
 * the core API and node-appwrite, and what `PasswordStrategy` does with it.
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { AccountsError } from '../../lib/errors.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { API_KEY, freshEmail, makeApp } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

const COMMON = "Invalid `password` param: Password must be between 8 and 265 characters long, and should not be one of the commonly used password."
const mailer = { send: async () => undefined }

describe('password policy: the router', () => {
  const { app, accounts } = makeApp({ passwordPolicy: { history: 2 }, mailer, allowedRedirectOrigins: ['https://app.example.com'] })
  const signUp = (body: Record<string, unknown>) => request(app).post('/v1/account').send({ userId: 'unique()', ...body })

  it('sign-up with password123 → 400 general_argument_invalid with Appwrite’s wording; nothing stored', async () => {
    const email = freshEmail('common')
    const res = await signUp({ email, password: 'password123' }).expect(400)
    assert.deepEqual([res.body.type, res.body.message], ['general_argument_invalid', COMMON])
    assert.equal(await accounts.findAccountByEmail(email), null)
  })
  it('sign-up with a password holding the name → 400 password_personal_data', async () => {
    const res = await signUp({ email: freshEmail('pd'), password: 'Gwendolyn-2024!', name: 'Gwendolyn Smith' }).expect(400)
    assert.equal(res.body.type, 'password_personal_data')
    assert.match(res.body.message, /references to your name, email, phone or userID/)
  })
  it('sign-up with the email’s local part or the user id in it → password_personal_data', async () => {
    const email = `marmaduke.${Date.now()}@example.com`
    assert.equal((await signUp({ email, password: 'i am Marmaduke really' }).expect(400)).body.type, 'password_personal_data')
    assert.equal((await request(app).post('/v1/account').send({ userId: 'zebrafish42', email: freshEmail('id'), password: 'my zebrafish42 pass' }).expect(400)).body.type, 'password_personal_data')
  })
  it('a password change to a common one, or back to a remembered one, is refused; the password stays', async () => {
    const email = freshEmail('change')
    await signUp({ email, password: 'first fine passphrase' }).expect(201)
    const login = await request(app).post('/v1/account/sessions/email').set('X-Appwrite-Key', API_KEY).send({ email, password: 'first fine passphrase' }).expect(201)
    const as = (r: request.Test) => r.set('X-Appwrite-Session', login.body.secret as string)
    assert.equal((await as(request(app).patch('/v1/account/password')).send({ password: 'iloveyou1', oldPassword: 'first fine passphrase' }).expect(400)).body.type, 'general_argument_invalid')
    await as(request(app).patch('/v1/account/password')).send({ password: 'second fine passphrase', oldPassword: 'first fine passphrase' }).expect(200)
    const again = await as(request(app).patch('/v1/account/password')).send({ password: 'first fine passphrase', oldPassword: 'second fine passphrase' }).expect(400)
    assert.equal(again.body.type, 'password_recently_used')
    await request(app).post('/v1/account/sessions/email').send({ email, password: 'second fine passphrase' }).expect(201)
  })
  it('recovery: a refused password leaves the link usable; a wrong secret never reveals the policy', async () => {
    const email = freshEmail('recover')
    const created = await signUp({ email, password: 'original fine passphrase', name: 'Quentin' }).expect(201)
    const issued = await accounts.recovery.request({ email, url: 'https://app.example.com/r' })
    const userId = created.body.$id as string
    // Without the secret, a personal-data password answers as any bad link does: no oracle.
    const probe = await request(app).put('/v1/account/recovery').send({ userId, secret: 'f'.repeat(64), password: 'quentin quentin' }).expect(401)
    assert.equal(probe.body.type, 'user_invalid_token')
    const refused = await request(app).put('/v1/account/recovery').send({ userId, secret: issued.secret, password: 'quentin quentin' }).expect(400)
    assert.equal(refused.body.type, 'password_personal_data')
    assert.equal((await request(app).put('/v1/account/recovery').send({ userId, secret: issued.secret, password: 'original fine passphrase' }).expect(400)).body.type, 'password_recently_used')
    await request(app).put('/v1/account/recovery').send({ userId, secret: issued.secret, password: 'a new fine passphrase' }).expect(200)
  })
  it('updateEmail of a password-less account: its first password is checked, against the new email too', async () => {
    const anon = await request(app).post('/v1/account/sessions/anonymous').set('X-Appwrite-Key', API_KEY).expect(201)
    const as = (r: request.Test) => r.set('X-Appwrite-Session', anon.body.secret as string)
    const email = `bartholomew.${Date.now()}@example.com`
    assert.equal((await as(request(app).patch('/v1/account/email')).send({ email, password: 'password123' }).expect(400)).body.type, 'general_argument_invalid')
    assert.equal((await as(request(app).patch('/v1/account/email')).send({ email, password: 'Bartholomew rules' }).expect(400)).body.type, 'password_personal_data')
    const ok = await as(request(app).patch('/v1/account/email')).send({ email, password: 'quiet harbour lights' }).expect(200)
    assert.equal(ok.body.email, email)
  })
  it('minLength raises the floor, with the length message', async () => {
    const strict = makeApp({ passwordPolicy: { minLength: 12 } })
    const res = await request(strict.app).post('/v1/account').send({ userId: 'unique()', email: freshEmail('len'), password: 'short pw 1' }).expect(400)
    assert.equal(res.body.message, 'Invalid `password` param: Password must be between 12 and 256 characters long.')
  })
  it('each rule can be turned off', async () => {
    const lax = makeApp({ passwordPolicy: { dictionary: false, personalData: false } })
    await request(lax.app).post('/v1/account').send({ userId: 'unique()', email: freshEmail('lax'), password: 'password123', name: 'password' }).expect(201)
  })
})

describe('password policy: the core API', () => {
  const { accounts } = makeApp({ passwordPolicy: { history: 1 } })
  const refusedWith = (type: string) => (err: unknown) => err instanceof AccountsError && err.type === type
  it('createAccount, updatePassword and updateEmail refuse as the router does', async () => {
    await assert.rejects(accounts.createAccount({ email: freshEmail('core'), password: 'password123' }), refusedWith('general_argument_invalid'))
    await assert.rejects(accounts.createAccount({ email: freshEmail('core'), password: 'Ignatius the great', name: 'Ignatius' }), refusedWith('password_personal_data'))
    const a = await accounts.createAccount({ email: freshEmail('core'), password: 'steady copper kettle' })
    await assert.rejects(accounts.updatePassword(a.id, 'steady copper kettle', 'steady copper kettle'), refusedWith('password_recently_used'))
    const updated = await accounts.updatePassword(a.id, 'bright tin whistle', 'steady copper kettle')
    assert.equal(updated.passwordHistory?.length, 1, 'bounded to the history size, hashes only')
    assert.ok(updated.passwordHistory?.[0]?.startsWith('$2'))
    const anon = await accounts.createAnonymousAccount()
    await assert.rejects(accounts.updateEmail(anon.id, freshEmail('anon'), 'qwerty123'), refusedWith('general_argument_invalid'))
  })
})

describeBackends('password policy: PasswordStrategy', (on) => {
  let t: ReturnType<typeof makePassportApp>
  it('signs in an account whose password predates the policy (the policy is for new passwords)', async () => {
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })], { passwordPolicy: { dictionary: false } })
    const email = freshEmail('legacy')
    await t.accounts.createAccount({ email, password: 'password123' })
    const strict = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })], { store: t.accounts.store })
    await request(strict.app).post('/login/password').send({ email, password: 'password123' }).expect(200)
    await assert.rejects(strict.accounts.createAccount({ email: freshEmail('new'), password: 'password123' }), AccountsError)
  })
})
