import assert from 'node:assert/strict'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { WebhookSmsSender } from '../../lib/delivery/webhook-sms-sender.js'
import type { SmsMessage } from '../../lib/delivery/delivery.js'
import { startSmsReceiver } from '../support/sms-receiver.js'
import type { SmsReceiver } from '../support/sms-receiver.js'

const SMS: SmsMessage = { kind: 'phone-otp', to: '+15551234567', body: 'Your Demo code is 123456. It expires in 15 minutes.' }

describe('WebhookSmsSender', () => {
  let receiver: SmsReceiver | undefined
  afterEach(async () => {
    await receiver?.close()
    receiver = undefined
  })

  it('POSTs {to, body} as JSON; the kind goes in X-Message-Kind', async () => {
    receiver = await startSmsReceiver()
    await new WebhookSmsSender({ url: receiver.url }).send(SMS)
    assert.equal(receiver.messages.length, 1) // recorded before send() resolved
    const got = await receiver.next('+15551234567')
    assert.deepEqual(got.json, { to: SMS.to, body: SMS.body })
    assert.equal(got.body, SMS.body)
    assert.match(String(got.headers['content-type']), /^application\/json/)
    assert.equal(got.headers['x-message-kind'], 'phone-otp')
  })

  it('sends custom headers (e.g. Authorization for the gateway)', async () => {
    receiver = await startSmsReceiver()
    await new WebhookSmsSender({ url: receiver.url, headers: { Authorization: 'Bearer gw-key', 'X-Extra': '1' } }).send(SMS)
    const got = await receiver.next(SMS.to)
    assert.equal(got.headers.authorization, 'Bearer gw-key')
    assert.equal(got.headers['x-extra'], '1')
  })

  it('rejects on a non-2xx answer, naming the status but not the body', async () => {
    receiver = await startSmsReceiver({ status: 500 })
    const sender = new WebhookSmsSender({ url: receiver.url })
    await assert.rejects(sender.send(SMS), (err: Error) => {
      assert.match(err.message, /HTTP 500/)
      assert.doesNotMatch(err.message, /123456/)
      return true
    })
    receiver.setStatus(202)
    await sender.send(SMS)
    receiver.setStatus(302)
    await assert.rejects(sender.send(SMS), /HTTP 302/)
  })

  it('rejects after timeoutMs when the gateway is slow', async () => {
    receiver = await startSmsReceiver({ delayMs: 2000 })
    const started = Date.now()
    await assert.rejects(new WebhookSmsSender({ url: receiver.url, timeoutMs: 200 }).send(SMS), /timed out after 200 ms/)
    const took = Date.now() - started
    assert.ok(took >= 150 && took < 1500, `took ${took} ms`)
  })

  it('rejects when nothing listens, without the URL (it may carry a key)', async () => {
    const srv = net.createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const { port } = srv.address() as AddressInfo
    await new Promise<void>((r) => srv.close(() => r()))
    const sender = new WebhookSmsSender({ url: `http://127.0.0.1:${port}/sms?key=gw-secret` })
    await assert.rejects(sender.send(SMS), (err: Error) => {
      assert.match(err.message, /SMS webhook request failed/)
      assert.doesNotMatch(err.message, /gw-secret|123456/)
      return true
    })
  })

  describe('options', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['missing url', {}, /options\.url/],
      ['non-http url', { url: 'ftp://gw.example.com' }, /options\.url/],
      ['javascript: url', { url: 'javascript:alert(1)' }, /options\.url/],
      ['relative url', { url: '/sms' }, /options\.url/],
      ['headers not an object', { url: 'https://gw.example.com', headers: 'x' }, /options\.headers/],
      ['non-string header value', { url: 'https://gw.example.com', headers: { a: 1 } }, /options\.headers/],
      ['negative timeout', { url: 'https://gw.example.com', timeoutMs: -1 }, /options\.timeoutMs/],
      ['NaN timeout', { url: 'https://gw.example.com', timeoutMs: Number.NaN }, /options\.timeoutMs/],
    ]
    for (const [name, options, re] of bad) {
      it(`TypeError: ${name}`, () => {
        assert.throws(() => new WebhookSmsSender(options as never), (e: Error) => e instanceof TypeError && re.test(e.message))
      })
    }
  })
})
