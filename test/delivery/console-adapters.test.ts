import assert from 'node:assert/strict'
import { ConsoleMailer } from '../../lib/delivery/console-mailer.js'
import { ConsoleSmsSender } from '../../lib/delivery/console-sms-sender.js'

describe('ConsoleMailer', () => {
  it('prints kind, recipient, subject and text body, marked as dev output', async () => {
    const lines: string[] = []
    const mailer = new ConsoleMailer({ log: (t) => lines.push(t) })
    await mailer.send({
      kind: 'magic-url',
      to: 'alice@example.com',
      subject: 'Sign in to Demo',
      text: 'Open this link:\nhttps://app.example.com/x?secret=abc',
      html: '<p>html is not printed</p>',
    })
    assert.equal(lines.length, 1)
    const out = lines[0]
    assert.match(out, /DEV EMAIL/)
    assert.match(out, /not sent/)
    assert.match(out, /magic-url/)
    assert.match(out, /alice@example\.com/)
    assert.match(out, /Sign in to Demo/)
    assert.match(out, /https:\/\/app\.example\.com\/x\?secret=abc/)
    assert.doesNotMatch(out, /html is not printed/)
    await mailer.close()
  })

  it('defaults to console.log (looked up at send time)', async () => {
    const mailer = new ConsoleMailer()
    const original = console.log
    const seen: unknown[] = []
    console.log = (...args: unknown[]) => void seen.push(...args)
    try {
      await mailer.send({ kind: 'email-otp', to: 'a@b.c', subject: 'S', text: 'code 123456', html: '' })
    } finally {
      console.log = original
    }
    assert.match(String(seen[0]), /123456/)
  })

  it('TypeError when log is not a function', () => {
    assert.throws(() => new ConsoleMailer({ log: 'no' as never }), (e: Error) => e instanceof TypeError && /options\.log/.test(e.message))
  })
})

describe('ConsoleSmsSender', () => {
  it('prints kind, recipient and body, marked as dev output', async () => {
    const lines: string[] = []
    const sender = new ConsoleSmsSender({ log: (t) => lines.push(t) })
    await sender.send({ kind: 'phone-otp', to: '+15551234567', body: 'Your Demo code is 123456.' })
    assert.equal(lines.length, 1)
    assert.match(lines[0], /DEV SMS/)
    assert.match(lines[0], /phone-otp/)
    assert.match(lines[0], /\+15551234567/)
    assert.match(lines[0], /Your Demo code is 123456\./)
    await sender.close()
  })

  it('TypeError when log is not a function', () => {
    assert.throws(() => new ConsoleSmsSender({ log: 42 as never }), (e: Error) => e instanceof TypeError && /options\.log/.test(e.message))
  })
})
