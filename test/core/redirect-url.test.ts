import assert from 'node:assert/strict'
import { checkRedirectUrl, isLoopback, withParams } from '../../lib/redirect-url.js'
import { AccountsError } from '../../lib/errors.js'

const ALLOWED = ['https://app.example.com']

function refused(value: unknown): void {
  assert.throws(() => checkRedirectUrl('url', value, ALLOWED), (err: unknown) => err instanceof AccountsError && err.code === 400 && err.type === 'general_argument_invalid')
}

describe('redirect URLs', () => {
  it('accepts allowed origins and loopback hosts', () => {
    assert.equal(checkRedirectUrl('url', 'https://app.example.com/magic?x=1', ALLOWED).href, 'https://app.example.com/magic?x=1')
    for (const url of ['http://localhost:3000/x', 'http://127.0.0.1/x', 'http://127.9.9.9:8080/', 'http://[::1]:5173/cb', 'http://dev.localhost/x']) {
      checkRedirectUrl('url', url, ALLOWED)
    }
  })

  it('refuses URLs without a scheme, other schemes, foreign hosts and credentials', () => {
    for (const url of ['localhost/x', '//app.example.com/x', 'http://remotehost/x', 'javascript:alert(1)', 'data:text/html,hi',
      'https://app.example.com.evil.io/x', 'http://app.example.com/x', 'https://user:pw@app.example.com/x', 'ftp://localhost/x', '', 42]) {
      refused(url)
    }
  })

  it('says a missing url is not optional', () => {
    assert.throws(() => checkRedirectUrl('url', undefined, ALLOWED), /Param "url" is not optional/)
  })

  it('knows loopback hosts', () => {
    assert.ok(isLoopback('localhost') && isLoopback('127.0.0.1') && isLoopback('[::1]'))
    assert.ok(!isLoopback('localhost.evil.com') && !isLoopback('128.0.0.1') && !isLoopback('10.0.0.1'))
  })

  it('appends parameters and keeps existing ones', () => {
    const link = withParams(new URL('https://app.example.com/m?lang=fr'), { userId: 'u1', secret: 'a b' })
    assert.equal(link, 'https://app.example.com/m?lang=fr&userId=u1&secret=a+b')
  })
})
