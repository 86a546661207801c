import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { blankAccount } from '../../lib/core/account-records.js'
import { Core } from '../../lib/core/core.js'
import { kindsBoundTo, SIGN_IN_KINDS, sessionShape, TOKEN_KINDS } from '../../lib/core/token-kinds.js'
import { DEFAULTS } from '../../lib/options.js'
import { SmtpMailer } from '../../lib/delivery/smtp-mailer.js'
import type { AccountsError } from '../../lib/errors.js'
import { Mfa } from '../../lib/mfa/mfa.js'
import { OAuth2 } from '../../lib/oauth2/oauth2.js'
import { Passwords } from '../../lib/password.js'
import { Recovery } from '../../lib/recovery.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { TestClock, SECRET, freshEmail } from '../support/app.js'
import { extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'

// Features are built from the core alone: no Accounts facade anywhere in this file.
describe('a feature built from the core alone (no Accounts)', () => {
  let smtp: SmtpCapture
  before(async () => {
    smtp = await startSmtpCapture()
  })
  after(async () => {
    await smtp.close()
  })

  function core(clock = new TestClock()) {
    return new Core({
      store: new MemoryStore(),
      secret: SECRET,
      bcryptCost: 4,
      clock,
      mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }),
    })
  }

  async function accountWithPassword(c: Core, email: string, password: string) {
    const account = blankAccount(`acc${Date.now()}${Math.floor(Math.random() * 1e6)}`, c.clock.now())
    account.email = email
    account.passwordHash = await new Passwords(c.options).hash(password)
    return c.accounts.insert(account)
  }

  it('Recovery: mails a link, the link sets the new password once, verifies the email and ends the other sessions', async () => {
    const c = core()
    const recovery = new Recovery(c)
    const email = freshEmail('core-recovery')
    const account = await accountWithPassword(c, email, 'old-password-123')
    const other = await c.sessions.create(account, { provider: 'email', providerUid: email, factors: ['password'] })

    const issued = await recovery.request({ email, url: 'http://localhost/reset' })
    assert.equal(issued.token.accountId, account.id)
    const link = extractLink((await smtp.next(email)).text)
    assert.equal(link.searchParams.get('userId'), account.id)
    const secret = link.searchParams.get('secret')!
    assert.equal(secret, issued.secret)

    await recovery.complete({ userId: account.id, secret, password: 'new-password-456' })
    const after = await c.accounts.mustGet(account.id)
    assert.equal(after.emailVerification, true)
    assert.equal(await c.passwords.verify('new-password-456', after.passwordHash!), true)
    assert.equal(await c.sessions.resolveById(account.id, other.session.id), null, 'the other session ended')
    await assert.rejects(recovery.complete({ userId: account.id, secret, password: 'third-password-789' }), (e: AccountsError) => e.type === 'user_invalid_token')
  })

  it('Recovery: an unknown email gets a decoy and no mail', async () => {
    const c = core()
    const issued = await new Recovery(c).request({ email: freshEmail('core-nobody'), url: 'http://localhost/reset' })
    assert.equal(issued.secret, '')
  })

  it('Recovery: the link expires with the core clock (tokenLifetimes.recovery)', async () => {
    const clock = new TestClock()
    const c = core(clock)
    const recovery = new Recovery(c)
    const email = freshEmail('core-expiry')
    const account = await accountWithPassword(c, email, 'old-password-123')
    const { secret } = await recovery.request({ email, url: 'http://localhost/reset' })
    await smtp.next(email)
    clock.advance((c.options.tokenLifetimes.recovery + 1) * 1000)
    await assert.rejects(recovery.complete({ userId: account.id, secret, password: 'new-password-456' }), (e: AccountsError) => e.type === 'user_invalid_token')
  })

  it('OAuth2 is given its sibling explicitly: new OAuth2(core, { mfa })', () => {
    const c = core()
    const oauth2 = new OAuth2(c, { mfa: new Mfa(c) })
    assert.deepEqual(oauth2.names, [])
  })

  it('Mfa.reset(accountId): the operator reset removes the authenticator and recovery codes and turns MFA off', async () => {
    const c = core()
    const mfa = new Mfa(c)
    const email = freshEmail('core-mfa')
    const account = await accountWithPassword(c, email, 'a-password-123')
    await mfa.createAuthenticator(account)
    await mfa.createRecoveryCodes(await c.accounts.mustGet(account.id))
    await c.accounts.update(account.id, (a) => {
      a.mfa = true
    })
    const before = await c.accounts.mustGet(account.id)
    assert.ok(before.totp && before.recoveryCodes && before.mfa)
    const after = await mfa.reset(account.id)
    assert.deepEqual([after.totp, after.recoveryCodes, after.mfa], [null, null, false])
    assert.deepEqual(await c.accounts.mustGet(account.id), after)
    assert.equal(mfa.factors(after).recoveryCode, false)
  })

  it('the store is the context’s own member, not an option', () => {
    const c = core()
    assert.equal('store' in c.options, false)
    assert.equal(typeof c.store.getAccount, 'function')
  })
})

describe('layering', () => {
  const importsOf = (path: string) => [...readFileSync(path, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!)

  it('lib/core imports no feature, no facade, no HTTP and no strategy', () => {
    const forbidden = /^\.\.\/(accounts|express-accounts|passwordless|recovery|verification|profile|password-sign-in|index)\.js$|^\.\.\/(mfa|oauth2|http|limits)\/|strategies\//
    const files = readdirSync('lib/core').filter((f) => f.endsWith('.ts'))
    assert.ok(files.length >= 8)
    for (const file of files) {
      for (const spec of importsOf(`lib/core/${file}`)) assert.doesNotMatch(spec, forbidden, `lib/core/${file} imports ${spec}`)
    }
  })

  it('no feature imports the facade', () => {
    const features = ['lib/passwordless.ts', 'lib/recovery.ts', 'lib/verification.ts', 'lib/profile.ts', 'lib/password-sign-in.ts']
    for (const dir of ['lib/mfa', 'lib/oauth2']) for (const f of readdirSync(dir)) if (f.endsWith('.ts')) features.push(`${dir}/${f}`)
    for (const file of features) {
      for (const spec of importsOf(file)) assert.doesNotMatch(spec, /(^|\/)(accounts|express-accounts|index)\.js$/, `${file} imports ${spec}`)
    }
  })
})

describe('TOKEN_KINDS: what each token kind means, in one place', () => {
  it('sign-in kinds, address-bound kinds and session shapes are the wire reference’s', () => {
    assert.deepEqual([...SIGN_IN_KINDS], ['email-otp', 'magic-url', 'phone-otp', 'server', 'oauth2'])
    assert.deepEqual(kindsBoundTo('email'), ['email-otp', 'magic-url', 'recovery', 'email-verification'])
    assert.deepEqual(kindsBoundTo('phone'), ['phone-otp', 'phone-verification'])
    assert.deepEqual(sessionShape('email-otp'), { provider: 'token', factors: ['email'] })
    assert.deepEqual(sessionShape('magic-url'), { provider: 'magic-url', factors: ['email'] })
    assert.deepEqual(sessionShape('phone-otp'), { provider: 'phone', factors: ['phone'] })
    assert.deepEqual(sessionShape('server'), { provider: 'token', factors: ['token'] })
  })

  it('codes count failures, secrets do not; every lifetime option exists', () => {
    for (const [kind, rule] of Object.entries(TOKEN_KINDS)) {
      assert.equal(rule.countsFailures, rule.format === 'code', kind)
      if (rule.lifetime !== null) assert.ok(rule.lifetime in DEFAULTS.tokenLifetimes, kind)
    }
  })

  it('Tokens.issue takes the format and failure budget from the table', async () => {
    const c = new Core({ secret: SECRET, store: new MemoryStore() })
    const code = await c.tokens.issue('acc-kinds', 'email-otp', { ttl: 60 })
    assert.match(code.secret, /^\d{6}$/)
    assert.equal(code.token.maxFailures, c.options.maxTokenFailures)
    const link = await c.tokens.issue('acc-kinds', 'magic-url', { ttl: 60 })
    assert.match(link.secret, /^[0-9a-f]{64}$/)
    assert.equal(link.token.maxFailures, 0)
  })
})
