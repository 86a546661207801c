import assert from 'node:assert/strict'
import { phone } from '../../lib/phone.js'

describe('phone numbers', () => {
  it('accepts valid E.164 numbers', () => {
    assert.equal(phone('phone', '+14155552671'), '+14155552671')
    assert.equal(phone('phone', '+4915123456789'), '+4915123456789')
    assert.equal(phone('phone', '+33612345678'), '+33612345678')
  })

  it('refuses numbers without +, too long, with an unknown calling code or an impossible plan', () => {
    for (const value of ['14155552671', '+1', '+1415555267', '+9991234567', '+1234567890123456', '+1 415 555 2671', '+44abc', '', 5]) {
      assert.throws(() => phone('phone', value), /Invalid `phone` param/, String(value))
    }
  })
})
