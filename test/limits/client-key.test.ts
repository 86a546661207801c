import assert from 'node:assert/strict'
import { clientKey } from '../../lib/limits/client-key.js'

describe('limits: clientKey() (what per-IP limits count)', function () {
  it('keeps IPv4 addresses whole', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7')
  })
  it('reads IPv4-mapped IPv6 as IPv4, in either spelling', () => {
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(clientKey('::ffff:cb00:7107'), '203.0.113.7')
    assert.equal(clientKey('0:0:0:0:0:ffff:203.0.113.7'), '203.0.113.7')
  })
  it('cuts IPv6 to its /64, whatever the spelling', () => {
    assert.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64')
    assert.equal(clientKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(clientKey('::1'), '0:0:0:0::/64')
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
    assert.equal(clientKey('64:ff9b::203.0.113.7'), '64:ff9b:0:0::/64')
  })
  it('keeps anything else as given (never throws)', () => {
    assert.equal(clientKey(''), '')
    assert.equal(clientKey(undefined), '')
    assert.equal(clientKey('not-an-ip'), 'not-an-ip')
  })
})
