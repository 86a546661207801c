/**
 * How a migrated user's password hash is read: Appwrite's own User model (argon2 by default,
 * scrypt without its salt), another express-accounts (`bcrypt` with `preHash: sha256`), unknown schemes.
 */
import assert from 'node:assert/strict'
import { type SourceUser, userRecord } from '../../lib/cli/user-record.js'
import { decodeImportedHash } from '../../lib/hashes/stored-imported-hash.js'
import { verifyImportedHash } from '../../lib/hashes/verify-imported-hash.js'

const base: SourceUser = {
  $id: 'u1', $createdAt: '2024-01-02T03:04:05.678+00:00', $updatedAt: '2024-02-02T03:04:05.678+00:00', name: 'Ada',
  registration: '2024-01-02T03:04:05.678+00:00', status: false, labels: ['vip'], passwordUpdate: '2024-01-03T00:00:00.000+00:00',
  email: 'Ada@Example.com', phone: '+14155552671', emailVerification: true, phoneVerification: false, mfa: true,
  prefs: { theme: 'dark' }, accessedAt: '2024-03-01T00:00:00.000+00:00',
}

describe('migrate: a source User model becomes an account record', () => {
  it('copies the profile fields and times', () => {
    const { record, passwordLoss } = userRecord(base, 1)
    assert.equal(passwordLoss, null)
    assert.deepEqual(
      [record.id, record.email, record.phone, record.name, record.status, record.labels, record.prefs, record.emailVerification, record.phoneVerification, record.mfa, record.passwordHash],
      ['u1', 'ada@example.com', '+14155552671', 'Ada', false, ['vip'], { theme: 'dark' }, true, false, true, null],
    )
    assert.deepEqual([record.createdAt, record.updatedAt, record.accessedAt], [Date.parse(base.$createdAt), Date.parse(base.$updatedAt), Date.parse(base.accessedAt)])
    assert.equal(record.passwordUpdatedAt, null, 'no password, no password time')
  })

  it('copies impersonator and targets (email / sms / push, with their ids); skips malformed or duplicate targets; none = []', () => {
    const t = (over: Record<string, unknown>) => ({ $id: 't', $createdAt: base.$createdAt, $updatedAt: base.$updatedAt, name: '', providerId: null, providerType: 'push', identifier: 'tok', expired: false, ...over })
    const { record } = userRecord({
      ...base, impersonator: true,
      targets: [
        t({ $id: 'e1', providerType: 'email', identifier: 'Ada@Example.com' }), t({ $id: 's1', providerType: 'sms', identifier: '+14155552671' }),
        t({ $id: 'p1', name: 'Pixel', providerId: 'fcm', expired: true }), t({ $id: 'p1', identifier: 'dup' }), t({ $id: 'x', providerType: 'fax' }), t({ $id: 'y', identifier: '' }),
      ] as never,
    }, 1)
    assert.equal(record.impersonator, true)
    const at = [Date.parse(base.$createdAt), Date.parse(base.$updatedAt)]
    assert.deepEqual(record.targets, [
      { id: 'e1', createdAt: at[0], updatedAt: at[1], providerType: 'email', identifier: 'ada@example.com', providerId: null, name: '', expired: false },
      { id: 's1', createdAt: at[0], updatedAt: at[1], providerType: 'sms', identifier: '+14155552671', providerId: null, name: '', expired: false },
      { id: 'p1', createdAt: at[0], updatedAt: at[1], providerType: 'push', identifier: 'tok', providerId: 'fcm', name: 'Pixel', expired: true },
    ])
    const { record: older } = userRecord(base, 1)
    assert.deepEqual([older.impersonator, older.targets], [false, []])
  })

  it('Appwrite\'s argon2 user keeps a verifying imported hash (reference vector)', async () => {
    const { record } = userRecord({
      ...base, hash: 'argon2', hashOptions: { type: 'argon2', memoryCost: 256, timeCost: 2, threads: 2 },
      password: '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc',
    }, 1)
    const imported = decodeImportedHash(record.passwordHash ?? '')
    assert.ok(imported)
    assert.equal(await verifyImportedHash('password', imported), true)
    assert.equal(record.passwordUpdatedAt, Date.parse(base.passwordUpdate))
  })

  it('another express-accounts\' own hash (bcrypt, preHash sha256) is kept verbatim; a plain bcrypt is imported', () => {
    const hash = '$2b$04$abcdefghijklmnopqrstuuJm3c7rQdH6a9kqA7mXn0q3Yw4Jk5H1a'
    assert.equal(userRecord({ ...base, hash: 'bcrypt', hashOptions: { type: 'bcrypt', preHash: 'sha256' }, password: hash }, 1).record.passwordHash, hash)
    const plainBcrypt = userRecord({ ...base, hash: 'bcrypt', hashOptions: { type: 'bcrypt' }, password: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }, 1).record.passwordHash
    assert.equal(decodeImportedHash(plainBcrypt ?? '')?.hash, 'bcrypt')
  })

  it('Appwrite\'s scrypt user (no salt in its model) and unknown schemes lose the password, and say so', () => {
    const scrypt = userRecord({ ...base, hash: 'scrypt', hashOptions: { type: 'scrypt', costCpu: 8, costMemory: 14, costParallel: 1, length: 64 }, password: 'ab'.repeat(64) }, 1)
    assert.deepEqual([scrypt.passwordLoss, scrypt.record.passwordHash], ['invalid-hash', null])
    const unknown = userRecord({ ...base, hash: 'pbkdf2', hashOptions: {}, password: 'x' }, 1)
    assert.deepEqual([unknown.passwordLoss, unknown.record.passwordHash], ['unsupported-hash', null])
  })
})
