import assert from 'node:assert/strict'
import { createAccounts, ConsoleMailer, RedisStore, SmtpMailer, WebhookSmsSender } from '../../lib/index.js'
import { PasswordStrategy } from '../../strategies/index.js'
import { describeValue } from '../../lib/option-errors.js'

function message(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof TypeError, `expected a TypeError, got ${String(err)}`)
    return err.message
  }
  assert.fail('expected a TypeError')
}

const SECRET = 's'.repeat(32)

describe('option errors name the option and what it was', () => {
  it('describes a value by type and size, never by content', () => {
    assert.equal(describeValue(undefined), 'undefined')
    assert.equal(describeValue(null), 'null')
    assert.equal(describeValue(''), 'an empty string')
    assert.equal(describeValue('hunter2'), 'a string of 7 characters')
    assert.equal(describeValue(42), 'the number 42')
    assert.equal(describeValue(false), 'the boolean false')
    assert.equal(describeValue([1, 2]), 'an array of 2')
    assert.equal(describeValue(new Map()), 'an object (Map)')
    assert.equal(describeValue({}), 'an object')
  })

  it('SmtpMailer without url or transport: both are undefined (the SMTP_URL that was never set)', () => {
    const env: Record<string, string | undefined> = {}
    assert.equal(
      message(() => new SmtpMailer({ url: env.SMTP_URL, from: 'a@example.com' })),
      'SmtpMailer: pass exactly one of options.url or options.transport — options.url is undefined, options.transport is undefined',
    )
  })

  it('WebhookSmsSender with an empty url', () => {
    assert.equal(
      message(() => new WebhookSmsSender({ url: '' })),
      'WebhookSmsSender: options.url must be an http:// or https:// URL — options.url is an empty string',
    )
  })

  it('createAccounts: a short secret says how long it was, not what it was', () => {
    const text = message(() => createAccounts({ secret: 'hunter2' }))
    assert.equal(text, 'options.secret must be a string of at least 32 bytes — options.secret is a string of 7 characters')
    assert.ok(!text.includes('hunter2'))
  })

  it('nested options are followed: options.tokenLifetimes.emailOtp', () => {
    assert.match(message(() => createAccounts({ secret: SECRET, tokenLifetimes: { emailOtp: -1 } })), / — options\.tokenLifetimes\.emailOtp is the number -1$/)
  })

  it('RedisStore without client or url', () => {
    assert.equal(
      message(() => new RedisStore({})),
      'RedisStore: pass exactly one of options.client or options.url — options.client is undefined, options.url is undefined',
    )
  })

  it('RedisStore with a URL node-redis cannot read: the password is not echoed', () => {
    const text = message(() => new RedisStore({ url: 'http://user:hunter2@db:6379' }))
    assert.match(text, /^RedisStore: options\.url http:\/\/user:\*\*\*@db:6379\/ is not a Redis URL \(/)
    assert.ok(!text.includes('hunter2'))
  })

  it('ConsoleMailer and the strategies explain too', () => {
    assert.equal(message(() => new ConsoleMailer({ log: 'x' as never })), 'ConsoleMailer: options.log must be a function — options.log is a string of 1 characters')
    assert.match(message(() => new PasswordStrategy({ accounts: {} as never })), / — options\.accounts is an object$/)
  })

  it('optional options accept undefined (exactOptionalPropertyTypes-friendly): defaults apply', async () => {
    const env: Record<string, string | undefined> = {}
    const accounts = createAccounts({ secret: SECRET, project: env.PROJECT, mailer: undefined, magicUrl: env.MAGIC_URL, maxSessions: undefined })
    assert.equal(accounts.options.project, 'default')
    assert.equal(accounts.options.maxSessions, 10)
    assert.equal(accounts.options.mailer, null)
    await accounts.store.close()
  })
})
