import assert from 'node:assert/strict'
import { Accounts } from '../../lib/accounts.js'
import type { Mailer } from '../../lib/delivery/delivery.js'
import type { AccountsEvents } from '../../lib/core/events.js'
import { MemoryStore } from '../../lib/store/memory-store.js'
import { SECRET, freshEmail } from '../support/app.js'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'
import { SmtpMailer } from '../../lib/delivery/smtp-mailer.js'

function failures(accounts: Accounts): Array<AccountsEvents['deliveryFailed']> {
  const seen: Array<AccountsEvents['deliveryFailed']> = []
  accounts.on('deliveryFailed', (e) => {
    seen.push(e)
  })
  return seen
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

describe('core: message delivery', () => {
  let smtp: SmtpCapture
  before(async () => {
    smtp = await startSmtpCapture()
  })
  after(async () => {
    await smtp.close()
  })

  const quietWarnings = () => {
    const onWarning = () => undefined
    process.on('warning', onWarning)
    return () => process.off('warning', onWarning)
  }

  it('answers before sending and reports a mailer that throws synchronously, without crashing', async () => {
    const restore = quietWarnings()
    const mailer: Mailer = {
      send() {
        throw new Error('sync boom')
      },
    }
    const accounts = new Accounts({ store: new MemoryStore(), secret: SECRET, mailer })
    const seen = failures(accounts)
    const issue = await accounts.passwordless.sendEmailCode({ userId: 'unique()', email: freshEmail() })
    assert.ok(issue.token.id)
    await settle()
    restore()
    assert.equal(seen.length, 1)
    assert.equal(seen[0].error.message, 'sync boom')
    assert.equal(seen[0].channel, 'email')
  })

  it('reports a custom template that throws as a failed delivery; the request still succeeds', async () => {
    const restore = quietWarnings()
    const accounts = new Accounts({
      store: new MemoryStore(),
      secret: SECRET,
      mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }),
      templates: {
        email: {
          'email-otp': () => {
            throw new Error('template bug')
          },
        },
      },
    })
    const seen = failures(accounts)
    await accounts.passwordless.sendEmailCode({ userId: 'unique()', email: freshEmail() })
    await settle()
    restore()
    assert.equal(seen[0]?.error.message, 'template bug')
  })

  it('uses a template override and the real SMTP transport', async () => {
    const email = freshEmail()
    const accounts = new Accounts({
      store: new MemoryStore(),
      secret: SECRET,
      projectName: 'Acme',
      mailer: new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' }),
      templates: { email: { 'email-otp': (c) => ({ subject: `Code for ${c.projectName}`, text: `code=${c.code} (${c.expiresInWords})`, html: '<p>x</p>' }) } },
    })
    const { secret } = await accounts.passwordless.sendEmailCode({ userId: 'unique()', email })
    const mail = await smtp.next(email)
    assert.equal(mail.subject, 'Code for Acme')
    assert.equal(mail.text.trim(), `code=${secret} (15 minutes)`)
  })

  it('refuses bad delivery options at construction', () => {
    assert.throws(() => new Accounts({ secret: SECRET, mailer: {} as Mailer }), /options\.mailer/)
    assert.throws(() => new Accounts({ secret: SECRET, templates: { email: { 'email-otp': 'x' as never } } }), /options\.templates\.email\.email-otp/)
    assert.throws(() => new Accounts({ secret: SECRET, templates: { push: {} } as never }), /options\.templates\.push/)
    assert.throws(() => new Accounts({ secret: SECRET, passwordlessSignUp: 'false' as never }), /options\.passwordlessSignUp/)
    assert.throws(() => new Accounts({ secret: SECRET, magicUrl: 'https://elsewhere.example/m' }), /options\.magicUrl/)
    new Accounts({ secret: SECRET, magicUrl: 'https://app.example.com/m', allowedRedirectOrigins: ['https://app.example.com'] })
    assert.throws(() => new Accounts({ secret: SECRET, tokenLifetimes: { emailOtp: 0 } }), /options\.tokenLifetimes\.emailOtp/)
    assert.throws(() => new Accounts({ secret: SECRET, tokenLifetimes: { bogus: 5 } as never }), /options\.tokenLifetimes\.bogus/)
  })
})

