import assert from 'node:assert/strict'
import { parseImportedHash, verifyImportedHash, type ImportedHash } from '../../lib/hashes/index.js'

/** Every vector: the right password verifies, a one-character change does not. */
async function rightAndWrong(imported: ImportedHash, password: string, { short = false } = {}): Promise<void> {
  assert.equal(await verifyImportedHash(password, imported), true, `${imported.password} should verify`)
  assert.equal(await verifyImportedHash(`${password}x`, imported), false)
  if (password.length > 0 && !short) assert.equal(await verifyImportedHash(password.slice(0, -1), imported), false)
}

const h = (input: unknown): ImportedHash => parseImportedHash(input)

describe('hashes: published vectors verify', () => {
  // Firebase's own example, README.md of github.com/firebase/scrypt (commit 36feb92):
  // signer key, separator, rounds 8 / mem_cost 14, the exported user's salt and hash.
  it('Firebase modified scrypt (scryptMod)', async () => {
    await rightAndWrong(h({
      hash: 'scryptMod',
      password: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
      hashOptions: {
        type: 'scryptMod',
        salt: '42xEC+ixf3L2lw==',
        saltSeparator: 'Bw==',
        signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
      },
    }), 'user1password')
  })

  // RFC 7914 §12, the two vectors with a non-empty salt (Appwrite refuses an empty one).
  it('scrypt (RFC 7914 test vectors)', async () => {
    await rightAndWrong(h({
      hash: 'scrypt',
      password: 'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
      hashOptions: { type: 'scrypt', salt: 'NaCl', costCpu: 1024, costMemory: 8, costParallel: 16, length: 64 },
    }), 'password')
    await rightAndWrong(h({
      hash: 'scrypt',
      password: '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
      hashOptions: { type: 'scrypt', salt: 'SodiumChloride', costCpu: 16384, costMemory: 8, costParallel: 1, length: 64 },
    }), 'pleaseletmein')
  })

  // Passlib's phpass known_correct_hashes (passlib/tests/test_handlers.py); the first is
  // Openwall phpass' own test.php hash. `$P$` is phpass/WordPress, `$H$` phpBB 3.
  it('phpass portable hashes ($P$, $H$), UTF-8 and empty passwords', async () => {
    await rightAndWrong(h({ hash: 'phpass', password: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0' }), 'test12345')
    await rightAndWrong(h({ hash: 'phpass', password: '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00' }), 'test1')
    await rightAndWrong(h({ hash: 'phpass', password: '$P$B12345678L6Lpt4BxNotVIMILOa9u81' }), 'JohnRipper')
    await rightAndWrong(h({ hash: 'phpass', password: '$H$712345678WhEyvy1YWzT4647jzeOmo0' }), 'JohnRipper')
    await rightAndWrong(h({ hash: 'phpass', password: '$P$7SMy8VxnfsIy2Sxm7fJxDSdil.h7TW.' }), 't\u00e1\u0411\u2113\u0259')
    await rightAndWrong(h({ hash: 'phpass', password: '$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0' }), '')
  })

  it('phpass falls back to bcrypt for phpass\' non-portable ($2a$) hashes, as Appwrite does', async () => {
    // Openwall crypt_blowfish vector, as listed in pyca/bcrypt tests/test_bcrypt.py.
    await rightAndWrong(h({ hash: 'phpass', password: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' }), 'U*U')
  })

  // $2a$: Openwall crypt_blowfish vectors; $2b$: pyca/bcrypt tests/test_bcrypt.py (commit
  // 9642162); $2y$: the example hash of PHP's password_verify() manual page.
  it('bcrypt $2a$, $2b$, $2y$', async () => {
    await rightAndWrong(h({ hash: 'bcrypt', password: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK' }), 'U*U*')
    await rightAndWrong(h({ hash: 'bcrypt', password: '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a' }), 'U*U*U')
    await rightAndWrong(h({ hash: 'bcrypt', password: '$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm' }), 'Kk4DQuMMfZL9o')
    await rightAndWrong(h({ hash: 'bcrypt', password: '$2b$04$pQ7gRO7e6wx/936oXhNjrOUNOHL1D0h1N2IDbJZYs.1ppzSof6SPy' }), '9IeRXmnGxMYbs')
    await rightAndWrong(h({ hash: 'bcrypt', password: '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq' }), 'rasmuslerdorf')
  })

  // P-H-C/phc-winner-argon2: the README's CLI example (`echo -n password | argon2 somesalt
  // -t 2 -m 16 -p 4 -l 24`) and src/test.c's hashtest() vectors (commit f57e61e), including
  // a version 0x10 hash without `v=`.
  it('argon2i, argon2id, both versions (reference implementation vectors)', async () => {
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG' }), 'password', { short: true })
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc' }), 'password', { short: true })
    // t=4 at 64 MiB: Appwrite's own default cost for its native argon2 users.
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$kCXUjmjvc5XMqQedpMTsOv+zyJEf5PhtGiUghW9jFyw' }), 'password', { short: true })
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc' }), 'password')
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8' }), 'password')
    await rightAndWrong(h({ hash: 'argon2', password: '$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$9sTbSlTio3Biev89thdrlKKiCaYsjjYVJxGAL3swxpQ' }), 'password', { short: true })
  })

  it('argon2 hashOptions are read back from the encoded hash', () => {
    const a = h({ hash: 'argon2', password: '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG' })
    assert.deepEqual(a.hashOptions, { type: 'argon2', memoryCost: 65536, timeCost: 2, threads: 4 })
  })

  // RFC 1321 §A.5 ("message digest"); FIPS 180 / NIST CSRC examples for "abc" (SHA-1, SHA-2,
  // SHA-512/t) and FIPS 202 / NIST CSRC examples for "abc" (SHA-3).
  it('md5 (RFC 1321 test suite)', async () => {
    await rightAndWrong(h({ hash: 'md5', password: 'f96b697d7cb7938d525a2f31aaf161d0' }), 'message digest')
    await rightAndWrong(h({ hash: 'md5', password: 'F96B697D7CB7938D525A2F31AAF161D0' }), 'message digest')
  })

  const abc: Array<[string, string]> = [
    ['sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha224', '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
    ['sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sha384', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
    ['sha512/224', '4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa'],
    ['sha512/256', '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23'],
    ['sha512', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    ['sha3-224', 'e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf'],
    ['sha3-256', '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
    ['sha3-384', 'ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25'],
    ['sha3-512', 'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0'],
  ]
  for (const [version, digest] of abc) {
    it(`sha version ${version} (NIST "abc")`, async () => {
      await rightAndWrong(h({ hash: 'sha', password: digest, hashOptions: { type: 'sha', version } }), 'abc')
    })
  }

  it('sha without a version is sha256, as Appwrite defaults it', async () => {
    const s = h({ hash: 'sha', password: abc[2]![1] })
    assert.equal(s.hash === 'sha' && s.hashOptions.version, 'sha256')
    await rightAndWrong(s, 'abc')
  })
})
