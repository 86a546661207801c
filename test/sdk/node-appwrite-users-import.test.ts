/**
 * Password-hash imports end to end: node-appwrite's `createXUser` calls store another
 * system's hash; the user signs in through the router with the original password; the weak
 * hash is then replaced by the project's own (bcrypt over SHA-256) and is gone from the store.
 *
 * Vectors: argon2 — the reference implementation's test vectors (phc-winner-argon2 test.c);
 * bcrypt — PHP's password_verify() manual example ($2y$); MD5 — RFC 1321's test suite;
 * phpass — Openwall phpass' test.php hash; SHA-1 / SHA-256 / SHA-512 — NIST's published digests of
 * the 448-bit message "abcdbcdecdef…nopq" (FIPS 180 examples); the other SHA variants: the same
 * message digested by node:crypto (test/hashes checks every variant against NIST's "abc");
 * scrypt — RFC 7914 §12; Firebase scrypt — the example in github.com/firebase/scrypt's README.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Client, ID, PasswordHash, Users, type Models } from 'node-appwrite'
import { API_KEY, MEMORY, PROJECT, REDIS, expectError, nodeClients, plain, startServer, uniqueEmail, type StoreCase, type TestServer } from './helpers.js'

const NIST_448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'
const NIST_448_DIGESTS: Partial<Record<PasswordHash, string>> = {
  [PasswordHash.Sha1]: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
  [PasswordHash.Sha256]: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  [PasswordHash.Sha512]: '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
}
const NODE_NAMES: Record<string, string> = { 'sha512/224': 'sha512-224', 'sha512/256': 'sha512-256' }

interface Scheme {
  name: string
  password: string
  hash: string
  create(users: Users, userId: string, email: string): Promise<Models.User<Models.Preferences>>
}

const SCHEMES: Scheme[] = [
  {
    name: 'argon2 (argon2id, reference vector)',
    password: 'password',
    hash: 'argon2',
    create: (u, userId, email) => u.createArgon2User({ userId, email, password: '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc' }),
  },
  {
    name: 'argon2 (argon2i, reference vector)',
    password: 'password',
    hash: 'argon2',
    create: (u, userId, email) => u.createArgon2User({ userId, email, password: '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8' }),
  },
  {
    name: 'bcrypt ($2y$, PHP manual)',
    password: 'rasmuslerdorf',
    hash: 'bcrypt',
    create: (u, userId, email) => u.createBcryptUser({ userId, email, password: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }),
  },
  {
    name: 'md5 (RFC 1321)',
    password: 'message digest',
    hash: 'md5',
    create: (u, userId, email) => u.createMD5User({ userId, email, password: 'f96b697d7cb7938d525a2f31aaf161d0' }),
  },
  {
    name: 'phpass ($P$, Openwall test.php)',
    password: 'test12345',
    hash: 'phpass',
    create: (u, userId, email) => u.createPHPassUser({ userId, email, password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' }),
  },
  ...Object.values(PasswordHash).map((version): Scheme => ({
    name: `sha (${version}${NIST_448_DIGESTS[version] ? ', NIST' : ''})`,
    password: NIST_448,
    hash: 'sha',
    create: (u, userId, email) => u.createSHAUser({
      userId, email, passwordVersion: version,
      password: NIST_448_DIGESTS[version] ?? createHash(NODE_NAMES[version] ?? version).update(NIST_448).digest('hex'),
    }),
  })),
  {
    name: 'sha (no version: sha256)',
    password: NIST_448,
    hash: 'sha',
    create: (u, userId, email) => u.createSHAUser({ userId, email, password: NIST_448_DIGESTS[PasswordHash.Sha256] as string }),
  },
  {
    name: 'scrypt (RFC 7914)',
    password: 'password',
    hash: 'scrypt',
    create: (u, userId, email) => u.createScryptUser({
      userId, email, passwordSalt: 'NaCl', passwordCpu: 1024, passwordMemory: 8, passwordParallel: 16, passwordLength: 64,
      password: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    }),
  },
  {
    name: 'scrypt-modified (Firebase README)',
    password: 'user1password',
    hash: 'scryptMod',
    create: (u, userId, email) => u.createScryptModifiedUser({
      userId, email,
      password: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
      passwordSalt: '42xEC+ixf3L2lw==',
      passwordSaltSeparator: 'Bw==',
      passwordSignerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    }),
  },
]

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`node-appwrite: Users hash imports, then sign-in and rehash (${sc.name})`, function () {
    let srv: TestServer
    let users: Users
    before(async function () {
      sc.available(this)
      srv = await startServer(sc)
      users = new Users(new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setKey(API_KEY))
    })
    after(() => srv?.close())

    for (const scheme of SCHEMES) {
      it(`${scheme.name}: imported, signs in with the original password, then rehashed`, async () => {
        const email = uniqueEmail('import')
        const created = await scheme.create(users, ID.unique(), email)
        assert.equal(created.hash, scheme.hash)
        assert.equal((created.hashOptions as { type: string }).type, scheme.hash)
        const c = nodeClients(srv.endpoint)
        // A wrong password fails and leaves the imported hash in place.
        await expectError(c.key.createEmailPasswordSession({ email, password: `${scheme.password}!` }), 401, 'user_invalid_credentials')
        assert.equal((await users.get({ userId: created.$id })).hash, scheme.hash)

        const session = await c.key.createEmailPasswordSession({ email, password: scheme.password })
        assert.equal(session.userId, created.$id)
        const stored = await srv.accounts.store.getAccount(created.$id)
        assert.ok(stored?.passwordHash?.startsWith('$2b$04$'), `rehashed to the project's bcrypt, got ${stored?.passwordHash}`)
        assert.ok(!JSON.stringify(stored).includes('imported'), 'the imported hash is gone from the stored record')
        const after = await users.get({ userId: created.$id })
        assert.deepEqual(plain([after.hash, after.hashOptions, after.password]), ['bcrypt', { type: 'bcrypt', preHash: 'sha256' }, stored?.passwordHash])
        // The new hash keeps working; the wrong password still fails.
        assert.equal((await c.key.createEmailPasswordSession({ email, password: scheme.password })).userId, created.$id)
        await expectError(c.key.createEmailPasswordSession({ email, password: `${scheme.password}!` }), 401, 'user_invalid_credentials')
      })
    }

    it('the imported password also serves the account\'s password checks (updatePassword needs the old one)', async () => {
      const email = uniqueEmail('import-old')
      const created = await users.createMD5User({ userId: ID.unique(), email, password: 'f96b697d7cb7938d525a2f31aaf161d0' })
      const me = nodeClients(srv.endpoint).withSession((await users.createSession({ userId: created.$id })).secret)
      await expectError(me.updatePassword({ password: 'a brand new password' }), 401, 'user_invalid_credentials')
      await expectError(me.updatePassword({ password: 'a brand new password', oldPassword: 'wrong password' }), 401, 'user_invalid_credentials')
      await me.updatePassword({ password: 'a brand new password', oldPassword: 'message digest' })
      assert.deepEqual(plain((await users.get({ userId: created.$id })).hashOptions), { type: 'bcrypt', preHash: 'sha256' })
    })

    it('bad import parameters are 400 general_argument_invalid; a taken email is 409', async () => {
      await expectError(users.createMD5User({ userId: ID.unique(), email: uniqueEmail(), password: 'not-hex' }), 400, 'general_argument_invalid')
      await expectError(users.createBcryptUser({ userId: ID.unique(), email: uniqueEmail(), password: '$2y$31$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }), 400, 'general_argument_invalid')
      await expectError(users.createScryptUser({ userId: ID.unique(), email: uniqueEmail(), password: 'ab', passwordSalt: '', passwordCpu: 8, passwordMemory: 14, passwordParallel: 1, passwordLength: 64 }), 400, 'general_argument_invalid')
      await expectError(users.createSHAUser({ userId: ID.unique(), email: uniqueEmail(), password: 'ab', passwordVersion: 'md4' as PasswordHash }), 400, 'general_argument_invalid')
      const email = uniqueEmail('taken')
      await users.createMD5User({ userId: ID.unique(), email, password: 'f96b697d7cb7938d525a2f31aaf161d0' })
      await expectError(users.createMD5User({ userId: ID.unique(), email, password: 'f96b697d7cb7938d525a2f31aaf161d0' }), 409, 'user_already_exists')
    })

    it('a password change racing the first sign-in is never undone by the rehash (compare-and-set)', async () => {
      for (let round = 0; round < 5; round++) {
        const email = uniqueEmail('race')
        // argon2 at 64 MiB takes tens of milliseconds: the reset lands while it verifies.
        const created = await users.createArgon2User({ userId: ID.unique(), email, password: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc' })
        const c = nodeClients(srv.endpoint)
        const signIn = c.key.createEmailPasswordSession({ email, password: 'password' }).then(() => 'ok', (e: { type: string }) => e.type)
        await new Promise((r) => setTimeout(r, round * 5))
        await users.updatePassword({ userId: created.$id, password: 'the admin reset' })
        const outcome = await signIn
        assert.ok(['ok', 'user_invalid_credentials'].includes(outcome), outcome)
        // Whatever the interleaving: the reset stands, the old password is dead, no session of it survives.
        assert.equal((await c.key.createEmailPasswordSession({ email, password: 'the admin reset' })).userId, created.$id)
        await expectError(c.key.createEmailPasswordSession({ email, password: 'password' }), 401, 'user_invalid_credentials')
        const sessions = await users.listSessions({ userId: created.$id })
        assert.equal(sessions.total, 1, 'only the session made with the reset password')
      }
    })
  })
}
