/**
 * Second-factor secrets at rest (issue 6: "the shared secret stored encrypted or otherwise
 * unusable if the store leaks"; recovery codes "stored hashed"). On RedisStore, after TOTP
 * enrolment, recovery codes, challenges and a used code, every key under the scenario's
 * prefix is read (strings, hashes, sets, zsets, lists): neither the base32 TOTP secret (in
 * any case, nor its bytes as hex/base64) nor any recovery code appears. What is there is a
 * `v1.<iv>.<tag>.<ciphertext>` AES-256-GCM box bound to the account, and keyed hashes.
 * Also: what rotating `options.secret` does to enrolled factors (they stop working).
 */
import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { AuthenticationFactor, AuthenticatorType } from 'node-appwrite'
import { Secret } from 'otpauth'
import { createAccounts, RedisStore } from '../../lib/index.js'
import { nodeClients } from '../sdk/helpers.js'
import { connectedClient, dumpByPrefix, type TestRedisClient } from '../support/redis.js'
import {
  API_KEY, PASSWORD, PROJECT, challenge, expectError, newUser, redisCase, signInAgain, startMfaServer, totpCode, type MfaServer, type User,
} from './support.js'

type Dump = Awaited<ReturnType<typeof dumpByPrefix>>
const dump = dumpByPrefix

/** Every stored text, lower-cased, keys included, for substring searches. */
const haystack = (d: Dump): string => [...d.keys, ...d.values].join('\n').toLowerCase()

/** The stored account record (JSON somewhere under the prefix) holding `accountId`'s TOTP box. */
function accountJson(d: Dump, accountId: string): Record<string, unknown> {
  for (const v of d.values) {
    if (!v.startsWith('{')) continue
    try {
      const o = JSON.parse(v) as Record<string, unknown>
      if (o.id === accountId && 'totp' in o) return o
    } catch {
      // not JSON
    }
  }
  assert.fail(`no account record for ${accountId}`)
}

describe('MFA: no TOTP secret or recovery code at rest in Redis', function () {
  const sc = redisCase()
  let srv: MfaServer
  let client: TestRedisClient
  let user: User
  let secret: string
  let firstCodes: string[]
  let codes: string[]

  before(async function () {
    sc.available(this)
    srv = await startMfaServer({ store: sc })
    client = await connectedClient()
    user = await newUser(srv, 'at-rest')
    secret = (await user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })).secret
    await user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now()) })
    firstCodes = (await user.account.createMFARecoveryCodes()).recoveryCodes
    await user.account.updateMFA({ mfa: true })
    // A used recovery code, a TOTP challenge passed, regenerated codes, a pending challenge.
    const s = await signInAgain(srv, user.email)
    await challenge(s, 'recoveryCode', firstCodes[0])
    srv.clock.advance(30_000)
    await challenge(s, 'totp', totpCode(secret, srv.clock.now()))
    codes = (await s.account.updateMFARecoveryCodes()).recoveryCodes
    await s.account.createMFAChallenge({ factor: AuthenticationFactor.Totp })
  })
  after(async function () {
    await client?.quit()
    await srv?.close()
  })

  it('scans a non-trivial key space (the scan itself works)', async function () {
    const d = await dump(client, sc.prefix)
    assert.ok(d.keys.length >= 5, `keys: ${d.keys.join(', ')}`)
    assert.ok(haystack(d).includes(user.id.toLowerCase()), 'the account is in there')
  })

  it('the base32 TOTP secret appears nowhere (any case), nor its bytes as hex or base64', async function () {
    const h = haystack(await dump(client, sc.prefix))
    const bytes = Buffer.from(Secret.fromBase32(secret).bytes)
    for (const form of [secret, bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
      assert.ok(!h.includes(form.toLowerCase()), `found ${form}`)
    }
    // Nor a long piece of it (e.g. the first half).
    assert.ok(!h.includes(secret.slice(0, 16).toLowerCase()))
  })

  it('no recovery code appears — neither the live ones nor the used / replaced ones', async function () {
    const h = haystack(await dump(client, sc.prefix))
    for (const c of [...codes, ...firstCodes]) assert.ok(!h.includes(c), `found recovery code ${c}`)
  })

  it('what is stored: the TOTP secret as a v1 AES-256-GCM box; recovery codes as 6 keyed hashes + one box', async function () {
    const a = accountJson(await dump(client, sc.prefix), user.id)
    const totp = a.totp as { secret: string; verified: boolean; lastStep: number }
    assert.match(totp.secret, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/, '12-byte IV, 16-byte tag')
    assert.equal(totp.verified, true)
    assert.equal(totp.lastStep, Math.floor(srv.clock.now() / 30_000))
    const rc = a.recoveryCodes as { hashes: string[]; sealed: string }
    assert.equal(rc.hashes.length, 6)
    for (const hsh of rc.hashes) assert.match(hsh, /^[0-9a-f]{64}$/)
    assert.match(rc.sealed, /^v1\./)
  })

  it('a box is bound to its account: the same sealed TOTP copied onto another account does not open there', async function () {
    const a = accountJson(await dump(client, sc.prefix), user.id)
    const other = await newUser(srv, 'copy')
    await srv.accounts.update(other.id, (rec) => {
      rec.totp = a.totp as typeof rec.totp
    })
    srv.clock.advance(30_000)
    await expectError(challenge(other, 'totp', totpCode(secret, srv.clock.now())), 401, 'user_invalid_token')
  })
})

describe('MFA: rotating options.secret voids enrolled authenticators and recovery codes', function () {
  const sc = redisCase()
  let srv: MfaServer
  let user: User
  let secret: string
  let codes: string[]

  before(async function () {
    sc.available(this)
    srv = await startMfaServer({ store: sc })
    user = await newUser(srv, 'rotate')
    secret = (await user.account.createMFAAuthenticator({ type: AuthenticatorType.Totp })).secret
    await user.account.updateMFAAuthenticator({ type: AuthenticatorType.Totp, otp: totpCode(secret, srv.clock.now()) })
    codes = (await user.account.createMFARecoveryCodes()).recoveryCodes
    await user.account.updateMFA({ mfa: true })
  })
  after(() => srv?.close())

  it('a second instance on the same Redis with another secret: TOTP codes and recovery codes no longer work', async function () {
    const rotated = createAccounts({
      store: new RedisStore({ url: process.env.REDIS_URL as string, prefix: sc.prefix }),
      project: PROJECT,
      secret: 'a-different-secret-that-is-at-least-32-bytes',
      apiKeys: [API_KEY],
      bcryptCost: 4,
      rateLimits: false,
      clock: srv.clock,
    })
    try {
      const app = express()
      app.use('/v1', rotated.router())
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s))
      })
      try {
        const clients = nodeClients(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`)
        const session = await clients.key.createEmailPasswordSession({ email: user.email, password: PASSWORD })
        const a = clients.withSession(session.secret)
        // Still listed as factors (the flags survive), so the gate still applies …
        const factors = await a.listMFAFactors()
        assert.deepEqual([factors.totp, factors.recoveryCode], [true, true])
        await expectError(a.get(), 401, 'user_more_factors_required')
        // … but neither factor can be answered any more.
        srv.clock.advance(30_000)
        const t = await a.createMFAChallenge({ factor: AuthenticationFactor.Totp })
        await expectError(a.updateMFAChallenge({ challengeId: t.$id, otp: totpCode(secret, srv.clock.now()) }), 401, 'user_invalid_token')
        const r = await a.createMFAChallenge({ factor: 'recoveryCode' as AuthenticationFactor })
        await expectError(a.updateMFAChallenge({ challengeId: r.$id, otp: codes[0] }), 401, 'user_invalid_token')
        await expectError(a.get(), 401, 'user_more_factors_required')
      } finally {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    } finally {
      await rotated.store.close()
    }
  })
})
