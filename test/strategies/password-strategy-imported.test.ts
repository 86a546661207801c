/**
 * An account imported with another system's hash signs in through PasswordStrategy and through
 * the core (`accounts.signInWithPassword`), and is rehashed to the project's own scheme on the
 * first success, exactly as through the router (test/sdk/node-appwrite-users-import.test.ts).
 */
import assert from 'node:assert/strict'
import request from 'supertest'
import { encodeImportedHash } from '../../lib/hashes/stored-imported-hash.js'
import { Passwords } from '../../lib/password.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { freshEmail } from '../support/app.js'
import { describeBackends, makePassportApp } from '../support/passport-app.js'

// Openwall phpass' test.php hash of "test12345" (WordPress' portable scheme).
const PHPASS = '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'
// RFC 1321: MD5("message digest").
const MD5 = 'f96b697d7cb7938d525a2f31aaf161d0'

describeBackends('PasswordStrategy and the core with imported password hashes', (on) => {
  let t: ReturnType<typeof makePassportApp>
  before(() => {
    t = makePassportApp(on.backend, on.prefix, (accounts) => [new PasswordStrategy({ accounts })])
  })

  it('PasswordStrategy: a phpass account signs in with its original password, then holds a bcrypt hash', async () => {
    const email = freshEmail()
    const imported = await t.accounts.users.importUser('phpass', { userId: 'unique()', email }, { password: PHPASS })
    assert.ok(imported.passwordHash?.startsWith('$imported$'))
    const wrong = await request(t.app).post('/login/password').send({ email, password: 'test123456' }).expect(401)
    assert.equal(wrong.body.info.type, 'user_invalid_credentials')
    const res = await request(t.app).post('/login/password').send({ email, password: 'test12345' }).expect(200)
    assert.equal(res.body.user.$id, imported.id)
    const stored = await t.accounts.getAccount(imported.id)
    assert.match(stored?.passwordHash ?? '', /^\$2b\$04\$/)
    await request(t.app).post('/login/password').send({ email, password: 'test12345' }).expect(200)
  })

  it('core: signInWithPassword verifies an MD5 import and rehashes it', async () => {
    const email = freshEmail()
    const imported = await t.accounts.users.importUser('md5', { userId: 'unique()', email }, { password: MD5 })
    await assert.rejects(t.accounts.signInWithPassword({ email, password: 'message digesT' }), { type: 'user_invalid_credentials' })
    const signIn = await t.accounts.signInWithPassword({ email, password: 'message digest' })
    assert.equal(signIn.account.id, imported.id)
    const stored = await t.accounts.getAccount(imported.id)
    assert.match(stored?.passwordHash ?? '', /^\$2b\$04\$/)
    assert.ok(!stored?.passwordHash?.includes(MD5))
  })

  it('argon2 / scrypt checks are bounded by the bcrypt gate: past its concurrency and queue, 503 general_server_busy', async () => {
    const passwords = new Passwords({ bcryptCost: 4, bcryptConcurrency: 1, bcryptQueue: 0, bcryptPerClient: 10 })
    // Reference argon2id vector at 64 MiB: long enough that the second check arrives while the first runs.
    const stored = encodeImportedHash({ hash: 'argon2', password: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc', hashOptions: { type: 'argon2', memoryCost: 65536, timeCost: 2, threads: 1 } })
    const first = passwords.verify('password', stored)
    await assert.rejects(passwords.verify('password', stored), { type: 'general_server_busy' })
    assert.equal(await first, true)
    assert.equal(passwords.gate.peakInFlight, 1)
  })
})
