import assert from 'node:assert/strict'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { SmtpMailer } from '../../lib/delivery/smtp-mailer.js'
import type { MailMessage } from '../../lib/delivery/delivery.js'
import { extractCode, extractLink, startSmtpCapture } from '../support/smtp-capture.js'
import type { SmtpCapture } from '../support/smtp-capture.js'

const FROM = '"Demo" <no-reply@example.com>'

function message(to: string, over: Partial<MailMessage> = {}): MailMessage {
  return {
    kind: 'email-otp',
    to,
    subject: 'Your Demo sign-in code',
    text: 'Your code is 123456\nhttps://app.example.com/verify?userId=u1&secret=s1',
    html: '<p>Your code is <b>123456</b></p>',
    ...over,
  }
}

describe('SmtpMailer', () => {
  let smtp: SmtpCapture
  const mailers: SmtpMailer[] = []
  const track = (m: SmtpMailer): SmtpMailer => (mailers.push(m), m)

  beforeEach(async () => {
    smtp = await startSmtpCapture({ rejectRcpt: (a) => a.startsWith('reject') })
  })
  afterEach(async () => {
    for (const m of mailers.splice(0)) await m.close()
    await smtp.close()
  })

  it('sends subject, text and html through an smtp:// URL (message is captured once send resolves)', async () => {
    const mailer = track(new SmtpMailer({ url: smtp.url, from: FROM }))
    await mailer.send(message('alice@example.com'))
    assert.equal(smtp.messages.length, 1)
    const got = await smtp.next('alice@example.com')
    assert.equal(got.subject, 'Your Demo sign-in code')
    assert.equal(got.from, FROM)
    assert.deepEqual(got.recipients, ['alice@example.com'])
    assert.match(got.text, /Your code is 123456/)
    assert.match(got.html, /<b>123456<\/b>/)
    assert.equal(extractCode(got.text), '123456')
    assert.equal(extractLink(got.text).searchParams.get('secret'), 's1')
    assert.equal(got.user, undefined)
  })

  it('logs in with user:pass from the URL', async () => {
    const mailer = track(new SmtpMailer({ url: `smtp://mailuser:p%40ss@127.0.0.1:${smtp.port}`, from: FROM }))
    await mailer.send(message('bob@example.com'))
    assert.equal((await smtp.next('bob@example.com')).user, 'mailuser')
  })

  it('sends through a transport options object', async () => {
    const mailer = track(
      new SmtpMailer({ transport: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }, from: FROM }),
    )
    await mailer.send(message('carol@example.com', { kind: 'magic-url', subject: 'Sign in to Demo' }))
    const got = await smtp.next('CAROL@example.com')
    assert.equal(got.subject, 'Sign in to Demo')
    assert.equal(got.from, FROM)
  })

  it('works with a pooled transport, and close() releases it', async () => {
    const mailer = new SmtpMailer({ url: `${smtp.url}?pool=true`, from: FROM })
    await mailer.send(message('p1@example.com'))
    await mailer.send(message('p2@example.com'))
    await smtp.next('p1@example.com')
    await smtp.next('p2@example.com')
    await mailer.close()
  })

  it('rejects when the server refuses the recipient, without the body in the error', async () => {
    const mailer = track(new SmtpMailer({ url: smtp.url, from: FROM }))
    await assert.rejects(mailer.send(message('reject-me@example.com')), (err: Error & { responseCode?: number }) => {
      assert.match(err.message, /SMTP delivery of email-otp email failed/)
      assert.equal(err.responseCode, 550)
      assert.doesNotMatch(err.message, /123456|secret=s1/)
      assert.equal(err.cause, undefined)
      return true
    })
    assert.equal(smtp.messages.length, 0)
  })

  it('rejects quickly when nothing listens on the port', async () => {
    const port = await closedPort()
    const mailer = track(new SmtpMailer({ url: `smtp://user:hunter2@127.0.0.1:${port}`, from: FROM, timeoutMs: 1000 }))
    const started = Date.now()
    await assert.rejects(mailer.send(message('x@example.com')), (err: Error) => {
      assert.doesNotMatch(err.message, /hunter2/)
      return true
    })
    assert.ok(Date.now() - started < 1500)
  })

  it('rejects after timeoutMs when the server never greets', async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((s) => void sockets.add(s)) // accepts, never says 220
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    try {
      const port = (silent.address() as AddressInfo).port
      const mailer = track(new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM, timeoutMs: 300 }))
      const started = Date.now()
      await assert.rejects(mailer.send(message('x@example.com')), /SMTP delivery of email-otp email failed/)
      const took = Date.now() - started
      assert.ok(took >= 250 && took < 3000, `took ${took} ms`)
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => silent.close(() => r()))
    }
  })

  describe('options', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['neither url nor transport', { from: FROM }, /options\.url or options\.transport/],
      ['both url and transport', { url: 'smtp://h', transport: { host: 'h' }, from: FROM }, /exactly one/],
      ['missing from', { url: 'smtp://h' }, /options\.from/],
      ['empty from', { url: 'smtp://h', from: ' ' }, /options\.from/],
      ['http scheme', { url: 'http://h', from: FROM }, /smtp:\/\/ or smtps:\/\//],
      ['unparsable url', { url: 'not a url', from: FROM }, /options\.url/],
      ['transport not an object', { transport: 'smtp://h', from: FROM }, /options\.transport/],
      ['zero timeout', { url: 'smtp://h', from: FROM, timeoutMs: 0 }, /options\.timeoutMs/],
    ]
    for (const [name, options, re] of bad) {
      it(`TypeError: ${name}`, () => {
        assert.throws(() => new SmtpMailer(options as never), (err: Error) => err instanceof TypeError && re.test(err.message))
      })
    }

    it('never echoes the URL password in a TypeError', () => {
      assert.throws(() => new SmtpMailer({ url: 'ftp://u:topsecret@h', from: FROM }), (err: Error) => !err.message.includes('topsecret'))
    })

    it('accepts smtps://', () => {
      void new SmtpMailer({ url: 'smtps://u:p@smtp.example.com', from: FROM }).close()
    })
  })
})

/** A port that was free a moment ago (bound then released). */
async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as AddressInfo
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}
