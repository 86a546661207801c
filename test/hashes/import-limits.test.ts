import assert from 'node:assert/strict'
import { AccountsError } from '../../lib/errors.js'
import {
  HASH_LIMITS, importedHashFromParams, parseImportedHash, verifyImportedHash, type ImportedHash,
} from '../../lib/hashes/index.js'

function refused(fn: () => unknown, param: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AccountsError, `expected AccountsError, got ${String(err)}`)
    assert.equal(err.type, 'general_argument_invalid')
    assert.equal(err.code, 400)
    assert.ok(err.message.includes(param), `${err.message} should name ${param}`)
    return true
  })
}

/** What a corrupted store or a hand-edited record could hand to sign-in, bypassing the import checks. */
const raw = (value: unknown): ImportedHash => value as ImportedHash

const FIREBASE = {
  salt: '42xEC+ixf3L2lw==',
  saltSeparator: 'Bw==',
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
}
const FIREBASE_HASH = 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=='

describe('hashes: import parameters are checked and costs bounded', () => {
  it('createXUser parameters map to the User model shape with Appwrite\'s defaults', () => {
    assert.deepEqual(importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 'salt' }), {
      hash: 'scrypt',
      password: 'ab'.repeat(64),
      hashOptions: { type: 'scrypt', salt: 'salt', costCpu: 8, costMemory: 14, costParallel: 1, length: 64 },
    })
    assert.deepEqual(importedHashFromParams('scryptMod', {
      password: FIREBASE_HASH, passwordSalt: FIREBASE.salt, passwordSaltSeparator: FIREBASE.saltSeparator, passwordSignerKey: FIREBASE.signerKey,
    }).hashOptions, { type: 'scryptMod', ...FIREBASE })
    assert.deepEqual(importedHashFromParams('sha', { password: 'a'.repeat(128), passwordVersion: 'sha512' }).hashOptions, { type: 'sha', version: 'sha512' })
  })

  it('a scrypt import made from createScryptUser parameters verifies (RFC 7914 vector)', async () => {
    const imported = importedHashFromParams('scrypt', {
      password: '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
      passwordSalt: 'SodiumChloride', passwordCpu: 16384, passwordMemory: 8, passwordParallel: 1, passwordLength: 64,
    })
    assert.equal(await verifyImportedHash('pleaseletmein', imported), true)
    assert.equal(await verifyImportedHash('pleaseletmeout', imported), false)
  })

  it('refuses missing and mistyped parameters, naming them as the request did', () => {
    refused(() => importedHashFromParams('scrypt', { password: 'ab'.repeat(64) }), 'passwordSalt')
    refused(() => importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 's', passwordCpu: 'lots' }), 'passwordCpu')
    refused(() => importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 's', passwordCpu: 12 }), 'passwordCpu')
    refused(() => importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 's', passwordLength: 8 }), 'passwordLength')
    refused(() => importedHashFromParams('scrypt', { password: 'abc', passwordSalt: 's' }), 'password')
    refused(() => importedHashFromParams('sha', { password: 'a'.repeat(64), passwordVersion: 'sha2' }), 'passwordVersion')
    refused(() => importedHashFromParams('sha', { password: 'a'.repeat(63), passwordVersion: 'sha256' }), 'password')
    refused(() => importedHashFromParams('md5', { password: 'z'.repeat(32) }), 'password')
    refused(() => importedHashFromParams('md5', {}), 'password')
    refused(() => importedHashFromParams('bcrypt', { password: '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' }), 'password')
    refused(() => importedHashFromParams('phpass', { password: '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/' }), 'password')
    refused(() => importedHashFromParams('argon2', { password: '$argon2id$v=19$m=65536,t=2,p=1,data=Zm9v$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc' }), 'password')
    refused(() => parseImportedHash({ hash: 'pbkdf2', password: 'x' }), 'hash')
    refused(() => parseImportedHash({ hash: 'md5', password: 'f96b697d7cb7938d525a2f31aaf161d0', hashOptions: { type: 'sha' } }), 'hashOptions.type')
    refused(() => parseImportedHash({ hash: 'scrypt', password: 'ab'.repeat(64), hashOptions: { salt: 's', costCpu: 8, costMemory: 14, costParallel: 1 } }), 'hashOptions.length')
  })

  it('refuses Firebase parameters that are not canonical base64, or a hash not as long as the signer key', () => {
    const base = { password: FIREBASE_HASH, passwordSalt: FIREBASE.salt, passwordSaltSeparator: FIREBASE.saltSeparator, passwordSignerKey: FIREBASE.signerKey }
    refused(() => importedHashFromParams('scryptMod', { ...base, passwordSalt: 'not base64!' }), 'passwordSalt')
    refused(() => importedHashFromParams('scryptMod', { ...base, passwordSaltSeparator: 'Bw' }), 'passwordSaltSeparator')
    refused(() => importedHashFromParams('scryptMod', { ...base, passwordSignerKey: '' }), 'passwordSignerKey')
    refused(() => importedHashFromParams('scryptMod', { ...base, password: 'AAAA' }), 'password')
  })

  it('the limits admit the defaults of the systems users come from', () => {
    // Appwrite's native users: argon2id m=65536 (64 MiB), t=4, p=3.
    assert.ok(importedHashFromParams('argon2', { password: '$argon2id$v=19$m=65536,t=4,p=3$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc' }))
    // Firebase's own parameters are fixed at N=2^14, r=8; a plain scrypt import may use them too.
    assert.ok(importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 's', passwordCpu: 16384, passwordMemory: 8, passwordParallel: 1 }))
    // Laravel/Rails bcrypt 10–12, up to 14; WordPress $P$B (2^13); phpBB $H$9 (2^11).
    assert.ok(importedHashFromParams('bcrypt', { password: '$2y$14$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }))
    assert.ok(importedHashFromParams('phpass', { password: '$P$B12345678L6Lpt4BxNotVIMILOa9u81' }))
    assert.ok(importedHashFromParams('phpass', { password: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00' }))
  })

  it('refuses costs that would let one sign-in attempt burn CPU or memory', () => {
    const scrypt = (over: Record<string, unknown>) => () => importedHashFromParams('scrypt', { password: 'ab'.repeat(64), passwordSalt: 's', ...over })
    refused(scrypt({ passwordCpu: 2 ** 21 }), 'passwordCpu')
    refused(scrypt({ passwordCpu: 2 ** 40 }), 'passwordCpu')
    refused(scrypt({ passwordMemory: 1024 }), 'passwordMemory')
    refused(scrypt({ passwordParallel: 1_000_000 }), 'passwordParallel')
    refused(scrypt({ passwordCpu: 2 ** 20, passwordMemory: 8 }), 'passwordMemory') // 1 GiB
    refused(scrypt({ passwordCpu: 2 ** 16, passwordMemory: 8, passwordParallel: 16 }), 'passwordParallel')
    refused(scrypt({ passwordLength: 1_000_000 }), 'passwordLength')
    const argon2 = (params: string) => () => importedHashFromParams('argon2', { password: `$argon2id$v=19$${params}$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc` })
    refused(argon2('m=4194304,t=2,p=1'), 'password') // 4 GiB
    refused(argon2('m=65536,t=1000,p=1'), 'password')
    refused(argon2('m=131072,t=8,p=1'), 'password') // within each bound, over memory × time
    refused(argon2('m=65536,t=2,p=255'), 'password')
    refused(() => importedHashFromParams('bcrypt', { password: '$2b$31$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm' }), 'password')
    // passlib's `$P$F…` ('compL3X!', 2^17 iterations) is a real hash, over the bound on purpose.
    refused(() => importedHashFromParams('phpass', { password: '$P$FiS0N5L672xzQx1rt1vgdJQRYKnQM9/' }), 'password')
    refused(() => importedHashFromParams('phpass', { password: '$P$zIQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' }), 'password') // 2^61
    assert.equal(HASH_LIMITS.phpassMaxLog2, 16)
  })

  it('a stored hash over the limits, or malformed, answers false without computing anything', async () => {
    // 2^30 iterations of scrypt's N at r = 1024 would need 128 TiB: it must be refused, not attempted.
    const huge = raw({ hash: 'scrypt', password: 'ab'.repeat(64), hashOptions: { type: 'scrypt', salt: 's', costCpu: 2 ** 30, costMemory: 1024, costParallel: 1, length: 64 } })
    assert.equal(await verifyImportedHash('password', huge), false)
    const hugeArgon2 = raw({ hash: 'argon2', password: '$argon2id$v=19$m=4194304,t=100,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc', hashOptions: { type: 'argon2', memoryCost: 4194304, timeCost: 100, threads: 1 } })
    assert.equal(await verifyImportedHash('password', hugeArgon2), false)
    const malformed: unknown[] = [
      null, undefined, 42, 'md5', {}, { hash: 'md5' }, { hash: 'md5', password: 42 },
      { hash: 'sha', password: 'a9993e364706816aba3e25717850c26c9cd0d89d', hashOptions: { version: 'sha256' } },
      { hash: 'scryptMod', password: FIREBASE_HASH, hashOptions: { ...FIREBASE, signerKey: '%%%' } },
      { hash: 'scrypt', password: 'ab'.repeat(64), hashOptions: 'costCpu=8' },
      { hash: 'argon2', password: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$' },
      { hash: 'argon2', password: '$argon2id$v=19$m=0,t=0,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc' },
      { hash: 'bcrypt', password: '$2b$04$short' },
      { hash: 'phpass', password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r!L0' }, // passlib's known_malformed_hashes
      { hash: 'toString', password: 'x' },
      { hash: '__proto__', password: 'x' },
    ]
    for (const value of malformed) {
      assert.equal(await verifyImportedHash('test12345', raw(value)), false, JSON.stringify(value))
    }
  })

  it('a password longer than Appwrite\'s 256 bytes is refused before any hashing', async () => {
    const phpass = parseImportedHash({ hash: 'phpass', password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' })
    assert.equal(await verifyImportedHash('x'.repeat(1_000_000), phpass), false)
    assert.equal(await verifyImportedHash(undefined as unknown as string, phpass), false)
  })
})
