import assert from 'node:assert/strict'
import { MAX_USER_AGENT_LENGTH, parseUserAgent } from '../../lib/client-info.js'
import type { ClientInfo } from '../../lib/store/store.js'

const EMPTY: ClientInfo = {
  osCode: '',
  osName: '',
  osVersion: '',
  clientType: '',
  clientCode: '',
  clientName: '',
  clientVersion: '',
  clientEngine: '',
  clientEngineVersion: '',
  deviceName: '',
  deviceBrand: '',
  deviceModel: '',
}

describe('parseUserAgent', () => {
  it('Windows Chrome 70 (the UA Appwrite e2e tests assert)', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36'
    assert.deepEqual(parseUserAgent(ua), {
      osCode: 'WIN',
      osName: 'Windows',
      osVersion: '10',
      clientType: 'browser',
      clientCode: 'CH',
      clientName: 'Chrome',
      clientVersion: '70.0',
      clientEngine: 'Blink',
      clientEngineVersion: '70.0.3538.77',
      deviceName: 'desktop',
      deviceBrand: '',
      deviceModel: '',
    })
  })

  it('iPhone Safari', () => {
    const ua =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
    assert.deepEqual(parseUserAgent(ua), {
      osCode: 'IOS',
      osName: 'iOS',
      osVersion: '17.0',
      clientType: 'browser',
      clientCode: 'MF',
      clientName: 'Mobile Safari',
      clientVersion: '17.0',
      clientEngine: 'WebKit',
      clientEngineVersion: '605.1.15',
      deviceName: 'smartphone',
      deviceBrand: 'Apple',
      deviceModel: 'iPhone',
    })
  })

  it('Android Chrome on a phone is Chrome Mobile', () => {
    const ua =
      'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36'
    assert.deepEqual(parseUserAgent(ua), {
      osCode: 'AND',
      osName: 'Android',
      osVersion: '13',
      clientType: 'browser',
      clientCode: 'CM',
      clientName: 'Chrome Mobile',
      clientVersion: '116.0',
      clientEngine: 'Blink',
      clientEngineVersion: '116.0.0.0',
      deviceName: 'smartphone',
      deviceBrand: 'Google',
      deviceModel: 'Pixel 7',
    })
  })

  it('macOS Firefox: Matomo names (Mac), minor-truncated OS version, no model', () => {
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/118.0'
    assert.deepEqual(parseUserAgent(ua), {
      osCode: 'MAC',
      osName: 'Mac',
      osVersion: '10.15',
      clientType: 'browser',
      clientCode: 'FF',
      clientName: 'Firefox',
      clientVersion: '118.0',
      clientEngine: 'Gecko',
      clientEngineVersion: '109.0',
      deviceName: 'desktop',
      deviceBrand: 'Apple',
      deviceModel: '',
    })
  })

  it('Edge, Samsung Browser, Linux and Chrome OS use Matomo codes', () => {
    const edge = parseUserAgent(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36 Edg/118.0.2088.46',
    )
    assert.equal(edge.clientCode, 'PS')
    assert.equal(edge.clientName, 'Microsoft Edge')
    const samsung = parseUserAgent(
      'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/22.0 Chrome/111.0.5563.116 Mobile Safari/537.36',
    )
    assert.equal(samsung.clientCode, 'SB')
    assert.equal(samsung.clientName, 'Samsung Browser')
    const linux = parseUserAgent(
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
    )
    assert.deepEqual([linux.osCode, linux.osName, linux.deviceName], ['LIN', 'GNU/Linux', 'desktop'])
    const cros = parseUserAgent(
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
    )
    assert.deepEqual([cros.osCode, cros.osName], ['COS', 'Chrome OS'])
  })

  it('node-appwrite SDK UA is a library on a desktop OS', () => {
    assert.deepEqual(parseUserAgent('AppwriteNodeJSSDK/27.1.0 (linux; x64) Node.js/v20.20.2'), {
      ...EMPTY,
      osCode: 'LIN',
      osName: 'GNU/Linux',
      clientType: 'library',
      clientName: 'Appwrite Node.js SDK',
      clientVersion: '27.1',
      deviceName: 'desktop',
    })
  })

  it('plain HTTP libraries (node fetch, curl, undici) are libraries', () => {
    assert.deepEqual(parseUserAgent('node'), { ...EMPTY, clientType: 'library', clientName: 'Node.js' })
    assert.deepEqual(parseUserAgent('curl/8.4.0'), {
      ...EMPTY,
      clientType: 'library',
      clientName: 'curl',
      clientVersion: '8.4',
    })
    assert.equal(parseUserAgent('undici').clientType, 'library')
  })

  it('missing or empty UA gives all empty fields', () => {
    assert.deepEqual(parseUserAgent(undefined), EMPTY)
    assert.deepEqual(parseUserAgent(''), EMPTY)
    assert.deepEqual(parseUserAgent('   '), EMPTY)
  })

  it('unknown UA gives empty fields, never throws', () => {
    assert.deepEqual(parseUserAgent('totally-unknown-thing'), EMPTY)
    assert.doesNotThrow(() => parseUserAgent('\u0000\uffff'.repeat(100)))
    assert.doesNotThrow(() => parseUserAgent(42 as unknown as string))
  })

  it('returns a fresh object each time', () => {
    const a = parseUserAgent(undefined)
    a.osCode = 'X'
    assert.equal(parseUserAgent(undefined).osCode, '')
  })

  it('ignores everything past the length cap', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36'
    const long = ua + ' '.repeat(MAX_USER_AGENT_LENGTH) + 'Firefox/1.0 Edg/1.0'
    assert.deepEqual(parseUserAgent(long), parseUserAgent(ua))
    const started = process.hrtime.bigint()
    parseUserAgent('Mozilla/5.0 ('.repeat(100_000))
    assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'huge input stays fast')
  })
})
