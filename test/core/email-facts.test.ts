import assert from 'node:assert/strict'
import { emailFacts } from '../../lib/email-facts.js'

describe('emailFacts (the Account model’s emailCanonical / emailIs* fields)', () => {
  it('a Gmail address: dots and +tag dropped, googlemail → gmail; free, not corporate', () => {
    assert.deepEqual(emailFacts('J.Doe+news@GoogleMail.com'), {
      emailCanonical: 'jdoe@gmail.com', emailIsFree: true, emailIsDisposable: false, emailIsCorporate: false, emailIsCanonical: false,
    })
    assert.equal(emailFacts('jdoe@gmail.com').emailIsCanonical, true)
  })
  it('Outlook drops a +tag, Yahoo a -tag; other domains keep the local part', () => {
    assert.equal(emailFacts('ann+x@outlook.com').emailCanonical, 'ann@outlook.com')
    assert.equal(emailFacts('ann-x@yahoo.com').emailCanonical, 'ann@yahoo.com')
    assert.equal(emailFacts('a.nn+x@company.example').emailCanonical, 'a.nn+x@company.example')
  })
  it('a disposable domain (or its subdomain) is disposable, not free, not corporate', () => {
    for (const email of ['x@yopmail.com', 'x@mailinator.com', 'x@mail.yopmail.com']) {
      const f = emailFacts(email)
      assert.deepEqual([f.emailIsDisposable, f.emailIsFree, f.emailIsCorporate], [true, false, false], email)
    }
  })
  it('any other domain is corporate', () => {
    const f = emailFacts('ceo@acme-widgets.example')
    assert.deepEqual([f.emailIsFree, f.emailIsDisposable, f.emailIsCorporate, f.emailIsCanonical], [false, false, true, true])
  })
  it('no email → all null', () => {
    assert.deepEqual(Object.values(emailFacts('')), [null, null, null, null, null])
  })
})
