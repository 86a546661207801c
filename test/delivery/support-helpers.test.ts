import assert from 'node:assert/strict'
import { extractCode, extractLink, startSmtpCapture } from '../support/smtp-capture.js'
import { SmtpMailer } from '../../lib/delivery/smtp-mailer.js'

describe('smtp-capture helpers', () => {
  it('extractCode takes the first standalone 6-digit number', () => {
    assert.equal(extractCode('expires in 15 minutes\ncode: 042917, not 1234567'), '042917')
    assert.equal(extractCode('id 1234567 then 654321'), '654321')
    assert.throws(() => extractCode('no code here 12345'), /no 6-digit code/)
  })

  it('extractLink takes the first http(s) URL, from text or HTML', () => {
    assert.equal(extractLink('Open https://a.example/x?u=1&s=2.\nthen').href, 'https://a.example/x?u=1&s=2')
    assert.equal(extractLink('<a href="http://localhost:3000/cb?userId=u&amp;secret=s">').searchParams.get('secret'), 's')
    assert.throws(() => extractLink('javascript:alert(1)'), /no http\(s\) link/)
  })

  it('waitFor hands each message out once and times out with what it saw', async () => {
    const smtp = await startSmtpCapture()
    const mailer = new SmtpMailer({ url: smtp.url, from: 'no-reply@example.com' })
    try {
      const pending = smtp.next('a@example.com') // waits before the message exists
      await mailer.send({ kind: 'email-otp', to: 'a@example.com', subject: 'one', text: '111111', html: '' })
      await mailer.send({ kind: 'email-otp', to: 'a@example.com', subject: 'two', text: '222222', html: '' })
      assert.equal((await pending).subject, 'one')
      assert.equal((await smtp.waitFor((m) => m.to === 'a@example.com')).subject, 'two')
      await assert.rejects(smtp.next('a@example.com', 100), /no matching message within 100 ms; received: .*"two" \(taken\)/)
      assert.equal(smtp.messages.length, 2)
    } finally {
      await mailer.close()
      await smtp.close()
    }
  })
})
