import assert from 'node:assert/strict'
import {
  defaultEmailTemplates,
  defaultSmsTemplates,
  durationInWords,
  renderEmail,
  renderSms,
} from '../../lib/delivery/templates.js'
import type { EmailKind, MessageContext } from '../../lib/delivery/delivery.js'

function ctx(over: Partial<MessageContext> = {}): MessageContext {
  return {
    kind: 'email-otp',
    projectName: 'Demo',
    to: 'alice@example.com',
    name: '',
    expiresIn: 900,
    expiresInWords: '15 minutes',
    ...over,
  }
}

const LINK = 'https://app.example.com/auth?userId=u1&secret=s3cr3t&expire=2030&project=demo'
const LINK_KINDS: Array<[EmailKind, RegExp]> = [
  ['magic-url', /^Sign in to Demo$/],
  ['recovery', /^Reset your Demo password$/],
  ['email-verification', /^Verify your email for Demo$/],
]

describe('durationInWords', () => {
  const cases: Array<[number, string]> = [
    [900, '15 minutes'], [60, '1 minute'], [3600, '1 hour'], [7200, '2 hours'], [604_800, '7 days'],
    [86_400, '1 day'], [90, '90 seconds'], [1, '1 second'], [0, '0 seconds'], [5400, '90 minutes'],
  ]
  for (const [s, words] of cases) it(`${s} → ${words}`, () => assert.equal(durationInWords(s), words))
})

describe('email templates', () => {
  it('email-otp: code in text and html, project name, expiry; subject names the project', () => {
    const out = renderEmail('email-otp', ctx({ code: '123456' }))
    assert.equal(out.subject, 'Your Demo sign-in code')
    for (const body of [out.text, out.html]) {
      assert.match(body, /123456/)
      assert.match(body, /Demo/)
      assert.match(body, /15 minutes/)
    }
  })

  for (const [kind, subject] of LINK_KINDS) {
    it(`${kind}: link (escaped in href), project name, expiry`, () => {
      const out = renderEmail(kind, ctx({ kind, link: LINK, expiresIn: 3600, expiresInWords: '1 hour' }))
      assert.match(out.subject, subject)
      assert.ok(out.text.includes(LINK))
      assert.match(out.text, /1 hour/)
      assert.ok(out.html.includes(`href="${LINK.replace(/&/g, '&amp;')}"`))
      assert.match(out.html, /1 hour/)
      assert.match(out.html, /Demo/)
    })
  }

  it('includes the phrase when there is one, and never the account name in the default greeting', () => {
    const out = renderEmail('email-otp', ctx({ code: '123456', phrase: 'Brave Tiger', name: 'Alice' }))
    assert.match(out.text, /Brave Tiger/)
    assert.match(out.html, /Brave Tiger/)
    assert.match(out.text, /^Hi,/)
    assert.doesNotMatch(out.text + out.html, /Alice/)
    assert.doesNotMatch(renderEmail('email-otp', ctx({ code: '1' })).text, /phrase/i)
  })

  it('escapes every interpolated value in HTML', () => {
    const evil = '<b>&"\'x'
    const out = renderEmail('magic-url', ctx({ kind: 'magic-url', projectName: evil, name: evil, phrase: evil, link: LINK }))
    assert.doesNotMatch(out.html, /<b>/)
    assert.ok(out.html.includes('&lt;b&gt;&amp;&quot;&#39;x'))
    assert.ok(out.text.includes(evil)) // plain text stays as is
    const otp = renderEmail('email-otp', ctx({ code: '<i>1</i>' }))
    assert.ok(otp.html.includes('&lt;i&gt;1&lt;/i&gt;'))
  })

  it('keeps the subject on one line', () => {
    assert.equal(renderEmail('email-otp', ctx({ projectName: 'A\r\nBcc: x@evil.test' })).subject, 'Your A Bcc: x@evil.test sign-in code')
  })

  for (const link of ['javascript:alert(document.cookie)', 'data:text/html,<script>1</script>', 'not a url']) {
    it(`does not render ${link.split(':')[0]} links as anchors`, () => {
      const out = renderEmail('recovery', ctx({ kind: 'recovery', link }))
      assert.doesNotMatch(out.html, /<a\s/)
      assert.doesNotMatch(out.html, /<script>/)
    })
  }

  it('uses an override for its kind only', () => {
    const overrides = { email: { recovery: (c: MessageContext) => ({ subject: `R ${c.projectName}`, text: `t ${c.link}`, html: 'h' }) } }
    assert.deepEqual(renderEmail('recovery', ctx({ link: 'L' }), overrides), { subject: 'R Demo', text: 't L', html: 'h' })
    assert.equal(renderEmail('email-otp', ctx({ code: '1' }), overrides).subject, 'Your Demo sign-in code')
  })

  it('passes the kind it renders to the template', () => {
    let seen = ''
    renderEmail('email-verification', ctx({ kind: 'email-otp' }), { email: { 'email-verification': (c) => ((seen = c.kind), { subject: '', text: '', html: '' }) } })
    assert.equal(seen, 'email-verification')
  })

  it('has a template for every email kind', () => {
    assert.deepEqual(Object.keys(defaultEmailTemplates).sort(), ['email-otp', 'email-verification', 'magic-url', 'mfa-challenge', 'recovery'])
  })
})

describe('SMS templates', () => {
  it('phone-otp reads as documented', () => {
    assert.equal(renderSms('phone-otp', ctx({ kind: 'phone-otp', code: '123456' })), 'Your Demo code is 123456. It expires in 15 minutes.')
  })

  it('phone-verification carries code, project and expiry', () => {
    const body = renderSms('phone-verification', ctx({ kind: 'phone-verification', code: '654321' }))
    assert.match(body, /654321/)
    assert.match(body, /Demo/)
    assert.match(body, /15 minutes/)
  })

  it('uses an override', () => {
    assert.equal(renderSms('phone-otp', ctx({ code: '1' }), { sms: { 'phone-otp': (c) => `code=${c.code}` } }), 'code=1')
    assert.deepEqual(Object.keys(defaultSmsTemplates).sort(), ['mfa-challenge', 'phone-otp', 'phone-verification'])
  })
})

describe('MFA challenge templates', () => {
  it('carry the code, the expiry and a warning not to share it', () => {
    const mail = renderEmail('mfa-challenge', ctx({ kind: 'mfa-challenge', code: '654321' }))
    assert.match(mail.text, /654321/)
    assert.match(mail.html, /654321/)
    assert.match(mail.text, /15 minutes/)
    assert.match(mail.subject, /Demo/)
    assert.equal(renderSms('mfa-challenge', ctx({ kind: 'mfa-challenge', code: '654321' })), "Your Demo sign-in verification code is 654321. It expires in 15 minutes. Don't share it.")
  })
})
