/**
 * The example app in a real browser: Debian's Chromium driven by playwright-core against
 * `createExampleApp()` on loopback, mail through a real SMTP server (smtp-capture), SMS
 * through console delivery, OAuth2 against oauth2-mock-server. The pages use Appwrite's web
 * SDK, so this is also the official client working against the router.
 *
 * One account goes through: sign-up (and email verification) → sign-out → password sign-in →
 * TOTP enrolment (secret read from the page, code computed here) and MFA on → sign-out →
 * sign-in finished with a TOTP code → a second device finished with a recovery code, then
 * revoked from the first → forgot password through the mailed link → magic-link sign-in,
 * which lands on the challenge. Then the other ways in (email code, SMS code, guest account
 * upgraded, OAuth2) and the passport example. Every page is checked with axe-core (no
 * serious or critical findings) and for overflow at 375 px.
 *
 * The example runs on the real clock (TOTP codes are computed from `Date.now()`); a code's
 * 30-second step is accepted once, so each TOTP use here takes a later step than the last.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { createExampleApp, type Example } from '../../example/app.js'
import { createPassportExampleApp, type PassportExample } from '../../example/passport-app.js'
import { CLIENT_ID, CLIENT_SECRET, MockProvider, providerUser } from '../oauth2/support.js'
import { extractCode, extractLink, startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.js'
import {
  DESKTOP, DESKTOP_UA, PHONE, PHONE_UA, checkPage, describeBrowser, launchChromium, listen, screenshotFailure, watchErrors, type Listening, type PageCheck,
} from './support.js'

const SECRET = 'browser-test-secret-at-least-32-bytes!!'
const run = `${process.pid}-${Date.now().toString(36)}`
const email = `pat.${run}@example.com`
const firstPassword = `Lamp-${randomBytes(4).toString('hex')}-orbit-river`
const newPassword = `Kite-${randomBytes(4).toString('hex')}-meadow-stone`

const totp = (secret: string, step: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: step * 30_000 })
const currentStep = () => Math.floor(Date.now() / 30_000)

/** Waits until the element's text matches; returns it. */
async function textMatching(locator: Locator, pattern: RegExp, timeoutMs = 8000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  let text = ''
  for (;;) {
    text = ((await locator.count()) > 0 ? await locator.first().textContent() : '') ?? ''
    if (pattern.test(text)) return text
    if (Date.now() > deadline) assert.fail(`${locator}: ${JSON.stringify(text)} does not match ${pattern}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describeBrowser('example app in Chromium (Appwrite web SDK pages, axe-core)', function () {
  // Generous: Chromium, bcrypt (cost 12) and axe share two cores with whatever else runs.
  this.timeout(90_000)
  let smtp: SmtpCapture
  let provider: MockProvider
  let site: Awaited<ReturnType<typeof listen>>
  let example: Example
  let passportSite: Listening
  let passport: PassportExample
  let browser: Browser
  const printed: string[] = []
  const errors: string[] = []
  const contexts: BrowserContext[] = []
  const record: PageCheck = { checked: [] }
  let origin: string

  let totpSecret = ''
  let lastStep = 0
  let recoveryCodes: string[] = []
  let desktop: Page
  let phone: Page

  async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, userAgent: DESKTOP_UA, ...options })
    context.setDefaultTimeout(10_000)
    contexts.push(context)
    const page = await context.newPage()
    watchErrors(page, errors)
    return page
  }

  async function signIn(page: Page, address: string, password: string): Promise<void> {
    await page.goto(`${origin}/`)
    await page.fill('#password-form-email', address)
    await page.fill('#password-form-password', password)
    await page.click('#password-form button[type="submit"]')
  }

  async function signOut(page: Page): Promise<void> {
    await page.click('[data-sign-out]')
    await page.waitForURL(`${origin}/`)
    await textMatching(page.locator('#page-status'), /You are signed out/)
  }

  /** Picks a factor on the challenge page and answers it. */
  async function answerChallenge(page: Page, factor: string, code: string): Promise<void> {
    await page.waitForURL(`${origin}/mfa/challenge`)
    await page.check(`input[name="factor"][value="${factor}"]`)
    await page.click('#challenge-start button[type="submit"]')
    await page.locator('#challenge-verify').waitFor({ state: 'visible' })
    await page.fill('#challenge-verify-otp', code)
    await page.click('#challenge-verify button[type="submit"]')
    await page.waitForURL(`${origin}/account`)
  }

  before(async function () {
    this.timeout(60_000)
    smtp = await startSmtpCapture()
    provider = await MockProvider.start()
    site = await listen()
    origin = site.origin
    example = createExampleApp(
      {
        ACCOUNTS_SECRET: SECRET,
        SMTP_URL: smtp.url,
        PUBLIC_URL: origin,
        OAUTH2_PROVIDERS: 'mock',
        OAUTH2_MOCK_CLIENT_ID: CLIENT_ID,
        OAUTH2_MOCK_CLIENT_SECRET: CLIENT_SECRET,
        OAUTH2_MOCK_ISSUER: provider.issuer,
      },
      { warn: () => undefined, log: (text) => printed.push(text) },
    )
    site.handle(example.app)
    passport = await createPassportExampleApp({ ACCOUNTS_SECRET: SECRET }, { warn: () => undefined, log: (text) => printed.push(text) })
    passportSite = await listen(passport.app)
    browser = await launchChromium()
  })

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return
    const files = await screenshotFailure(contexts, this.currentTest.fullTitle())
    if (files.length > 0) console.log(`    screenshots: ${files.join(', ')}`)
  })

  after(async function () {
    await browser?.close()
    await site?.close()
    await passportSite?.close()
    await example?.close()
    await passport?.close()
    await provider?.stop()
    await smtp?.close()
  })

  it('signs up, verifies the email through the mailed link, signs out, signs in with the password', async function () {
    desktop = await newPage()
    await desktop.goto(`${origin}/`)
    await checkPage(desktop, 'sign-in', record)

    // A wrong password is announced in the form's alert region.
    await signIn(desktop, email, 'not-the-password')
    await textMatching(desktop.locator('#password-form [role="alert"]'), /^Wrong email or password\.$/)
    await checkPage(desktop, 'sign-in-error', record)

    await desktop.click('text=Create an account')
    await desktop.waitForURL(`${origin}/sign-up`)
    await checkPage(desktop, 'sign-up', record)
    await desktop.fill('#sign-up-form-name', 'Pat Example')
    await desktop.fill('#sign-up-form-email', email)
    await desktop.fill('#sign-up-form-password', firstPassword)
    await desktop.click('#sign-up-form button[type="submit"]')
    await desktop.waitForURL(`${origin}/account`)
    await textMatching(desktop.locator('#page-status'), new RegExp(`^Welcome! We sent a link to ${email.replace(/\./g, '\\.')}`))
    await textMatching(desktop.locator('main [data-user-name]'), /^Pat Example$/)
    await desktop.locator('#verify-notice').waitFor({ state: 'visible' })
    await checkPage(desktop, 'account', record)

    const verification = extractLink((await smtp.next(email)).text)
    assert.equal(verification.origin + verification.pathname, `${origin}/verify-email`)
    await desktop.goto(verification.href)
    await textMatching(desktop.locator('#verify-status'), /^Your email address is verified/)
    assert.equal(desktop.url(), `${origin}/verify-email`, 'the secret is taken out of the address bar')
    await checkPage(desktop, 'verify-email', record)
    await desktop.click('#verify-continue')
    await desktop.waitForURL(`${origin}/account`)
    await textMatching(desktop.locator('#email-badge'), /^Verified$/)
    assert.equal(await desktop.locator('#verify-notice').isHidden(), true)

    await signOut(desktop)
    await signIn(desktop, email, firstPassword)
    await desktop.waitForURL(`${origin}/account`)
    await textMatching(desktop.locator('.user-bar [data-user-name]'), /^Pat Example$/)
  })

  it('enrols an authenticator app (key read from the page, code computed here), makes recovery codes, turns two-step sign-in on', async function () {
    await desktop.click('nav >> text=Two-step sign-in')
    await desktop.waitForURL(`${origin}/mfa`)
    await checkPage(desktop, 'mfa', record)

    await desktop.click('#totp-start')
    await desktop.locator('#totp-setup').waitFor({ state: 'visible' })
    assert.match((await desktop.getAttribute('#totp-qr', 'src')) ?? '', /^data:image\/png;base64,/)
    totpSecret = ((await desktop.textContent('#totp-secret')) ?? '').trim()
    assert.match(totpSecret, /^[A-Z2-7]{32}$/)
    await checkPage(desktop, 'mfa-setup', record)

    // A wrong code first: announced, nothing activated.
    await desktop.fill('#totp-verify-otp', totp(totpSecret, currentStep() + 5))
    await desktop.click('#totp-verify button[type="submit"]')
    await textMatching(desktop.locator('#totp-verify [role="alert"]'), /\S/)

    lastStep = currentStep()
    await desktop.fill('#totp-verify-otp', totp(totpSecret, lastStep))
    await desktop.click('#totp-verify button[type="submit"]')
    await textMatching(desktop.locator('#page-status'), /^Authenticator app active\./)

    await desktop.click('#recovery-create')
    await desktop.locator('#recovery-codes').waitFor({ state: 'visible' })
    recoveryCodes = await desktop.locator('#recovery-codes li').allTextContents()
    assert.equal(recoveryCodes.length, 6)
    for (const code of recoveryCodes) assert.match(code, /^[0-9a-f]{10}$/)
    await checkPage(desktop, 'mfa-recovery-codes', record)

    await desktop.click('#mfa-toggle button[type="submit"]')
    await textMatching(desktop.locator('#page-status'), /^Two-step sign-in is on\.$/)
    await textMatching(desktop.locator('#switch-title'), /is on$/)
    await checkPage(desktop, 'mfa-on', record)
  })

  it('signs out and in again: the password leads to the challenge, a TOTP code finishes it', async function () {
    await signOut(desktop)
    await signIn(desktop, email, firstPassword)
    await desktop.waitForURL(`${origin}/mfa/challenge`)
    // The gate holds for every page until the challenge is done.
    await desktop.goto(`${origin}/account`)
    assert.equal(desktop.url(), `${origin}/mfa/challenge`)
    await checkPage(desktop, 'challenge', record)
    lastStep = Math.max(lastStep + 1, currentStep())
    await answerChallenge(desktop, 'totp', totp(totpSecret, lastStep))
    await textMatching(desktop.locator('main [data-user-name]'), /^Pat Example$/)
  })

  it('a phone signs in with a recovery code; the desktop lists both sessions and revokes the phone', async function () {
    phone = await newPage({ viewport: PHONE, userAgent: PHONE_UA, isMobile: true, hasTouch: true })
    await signIn(phone, email, firstPassword)
    await phone.waitForURL(`${origin}/mfa/challenge`)
    await phone.check('input[name="factor"][value="recoveryCode"]')
    await phone.click('#challenge-start button[type="submit"]')
    await textMatching(phone.locator('label[for="challenge-verify-otp"]'), /^Recovery code$/)
    await checkPage(phone, 'challenge-code', record)
    await phone.fill('#challenge-verify-otp', recoveryCodes[0])
    await phone.click('#challenge-verify button[type="submit"]')
    await phone.waitForURL(`${origin}/account`)

    await desktop.click('nav >> text=Sessions')
    await desktop.waitForURL(`${origin}/sessions`)
    await textMatching(desktop.locator('#sessions-count'), /^2 sessions$/)
    const mine = desktop.locator('#sessions li[data-current="true"]')
    const other = desktop.locator('#sessions li:not([data-current])')
    await textMatching(mine.locator('[data-field="title"]'), /^Chrome 126[\d.]* on (GNU\/)?Linux$/)
    await textMatching(mine.locator('[data-field="current"]'), /^This device$/)
    await textMatching(other.locator('[data-field="title"]'), /^Chrome Mobile [\d.]+ on Android 14$/)
    await textMatching(other.locator('[data-field="device"]'), /^Smartphone/)
    await textMatching(other.locator('[data-field="ip"]'), /^127\.0\.0\.1$/)
    await checkPage(desktop, 'sessions', record)

    await other.locator('[data-field="revoke"]').click()
    await textMatching(desktop.locator('#sessions-status'), /^Signed out Chrome Mobile/)
    await textMatching(desktop.locator('#sessions-count'), /^1 session$/)

    // The security log shows the revocation first, and both sign-ins.
    await desktop.click('nav >> text=Security log')
    await desktop.waitForURL(`${origin}/security-log`)
    await textMatching(desktop.locator('#logs tr').first().locator('td').nth(1), /^Signed out$/)
    assert.ok((await desktop.locator('#logs tr[data-event="session.create.email"]').count()) >= 2, 'both sign-ins are listed')
    await checkPage(desktop, 'security-log', record)

    // The phone's cookie no longer opens anything.
    await phone.goto(`${origin}/account`)
    assert.equal(phone.url(), `${origin}/`)
  })

  it('forgot password on the phone: the reset link from the SMTP server sets a new one; the desktop session ends', async function () {
    await phone.click('text=Forgot password?')
    await phone.waitForURL(`${origin}/forgot-password`)
    await checkPage(phone, 'forgot-password', record)
    await phone.fill('#forgot-form-email', email)
    await phone.click('#forgot-form button[type="submit"]')
    await textMatching(phone.locator('#forgot-status'), /a link to choose a new password is on its way/)

    const reset = extractLink((await smtp.next(email)).text)
    assert.equal(reset.origin + reset.pathname, `${origin}/reset-password`)
    await phone.goto(reset.href)
    assert.equal(phone.url(), `${origin}/reset-password`, 'the secret is taken out of the address bar')
    await checkPage(phone, 'reset-password', record)
    await phone.fill('#reset-form-password', newPassword)
    await phone.fill('#reset-form-confirm', `${newPassword}x`)
    await phone.click('#reset-form button[type="submit"]')
    await textMatching(phone.locator('#reset-form [role="alert"]'), /^The two passwords differ/)
    await phone.fill('#reset-form-confirm', newPassword)
    await phone.click('#reset-form button[type="submit"]')
    await phone.waitForURL(`${origin}/`)
    await textMatching(phone.locator('#page-status'), /^Your password is changed/)

    await signIn(phone, email, firstPassword)
    await textMatching(phone.locator('#password-form [role="alert"]'), /^Wrong email or password\.$/)
    await signIn(phone, email, newPassword)
    await answerChallenge(phone, 'recoveryCode', recoveryCodes[1])

    // A reset signs out every other session.
    await desktop.goto(`${origin}/account`)
    assert.equal(desktop.url(), `${origin}/`)
  })

  it('a magic link with two-step sign-in on lands on the challenge (not on "Sign-in failed"); a used link says so', async function () {
    const page = await newPage()
    await page.goto(`${origin}/`)
    await page.click('text=Email me a sign-in link')
    await page.waitForURL(`${origin}/sign-in/link`)
    await checkPage(page, 'sign-in-link', record)
    await page.fill('#link-form-email', email)
    await page.click('#link-form button[type="submit"]')
    await textMatching(page.locator('#link-status'), /^Check your email/)

    const link = extractLink((await smtp.next(email)).text)
    assert.equal(link.origin + link.pathname, `${origin}/magic`)
    await page.goto(link.href)
    await page.waitForURL(`${origin}/mfa/challenge`)
    await answerChallenge(page, 'recoveryCode', recoveryCodes[2])
    await textMatching(page.locator('main [data-user-name]'), /^Pat Example$/)

    const again = await newPage()
    await again.goto(link.href)
    await textMatching(again.locator('#magic-alert'), /^Sign-in failed: That code or link is wrong, already used, or expired\.$/)
    await checkPage(again, 'magic-link-used', record)
  })

  it('the other ways in: an email code, an SMS code (console delivery), a guest account kept with an email and password', async function () {
    const page = await newPage()
    const other = `sam.${run}@example.com`
    await page.goto(`${origin}/`)
    await page.click('text=Email me a sign-in code')
    await page.waitForURL(`${origin}/sign-in/code`)
    await checkPage(page, 'sign-in-code', record)
    await page.fill('#request-form-email', other)
    await page.click('#request-form button[type="submit"]')
    await page.locator('#verify-form').waitFor({ state: 'visible' })
    await checkPage(page, 'sign-in-code-sent', record)
    await page.fill('#verify-form-code', extractCode((await smtp.next(other)).text))
    await page.click('#verify-form button[type="submit"]')
    await page.waitForURL(`${origin}/account`)
    await textMatching(page.locator('#email-current'), new RegExp(`^${other.replace(/\./g, '\\.')}$`))
    // No password yet: the password form asks for a new one only.
    assert.equal(await page.locator('#old-password-field').isHidden(), true)
    await signOut(page)

    const number = '+14155550123'
    await page.goto(`${origin}/sign-in/phone`)
    await checkPage(page, 'sign-in-sms', record)
    await page.fill('#request-form-phone', number)
    await page.click('#request-form button[type="submit"]')
    await page.locator('#verify-form').waitFor({ state: 'visible' })
    const deadline = Date.now() + 5000
    let sms: string | undefined
    while (!(sms = printed.find((t) => t.includes('DEV SMS') && t.includes(number))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    assert.ok(sms, 'the SMS was printed')
    await page.fill('#verify-form-code', extractCode(sms))
    await page.click('#verify-form button[type="submit"]')
    await page.waitForURL(`${origin}/account`)
    await textMatching(page.locator('#phone-current'), /^\+14155550123$/)
    await signOut(page)

    const guest = `kept.${run}@example.com`
    await page.click('#anonymous')
    await page.waitForURL(`${origin}/account`)
    await page.locator('#guest-notice').waitFor({ state: 'visible' })
    await checkPage(page, 'account-guest', record)
    await page.fill('#upgrade-form-email', guest)
    await page.fill('#upgrade-form-password', firstPassword)
    await page.click('#upgrade-form button[type="submit"]')
    await textMatching(page.locator('#page-status'), /^Your account is kept/)
    assert.equal(await page.locator('#guest-notice').isHidden(), true)
    await signOut(page)
    await signIn(page, guest, firstPassword)
    await page.waitForURL(`${origin}/account`)
    await textMatching(page.locator('#email-current'), new RegExp(`^${guest.replace(/\./g, '\\.')}$`))
  })

  it('OAuth2: "Sign in with mock" goes through the provider and comes back signed in; account changes stick', async function () {
    const page = await newPage()
    // A failure comes back as ?oauth2-error=1&error=<JSON>: shown as text, then taken out of the address bar.
    const forged = encodeURIComponent(JSON.stringify({ message: '<img src=x onerror=alert(1)>' }))
    await page.goto(`${origin}/?oauth2-error=1&error=${forged}`)
    await textMatching(page.locator('#methods-alert'), /^Sign-in with a provider failed: <img src=x onerror=alert\(1\)>$/)
    assert.equal(await page.locator('#methods-alert img').count(), 0)
    assert.equal(page.url(), `${origin}/`)

    const user = providerUser('browser')
    provider.user = user
    await page.click('text=Sign in with mock')
    await page.waitForURL(`${origin}/account`)
    await textMatching(page.locator('#email-current'), new RegExp(`^${user.email!.replace(/\./g, '\\.')}$`))

    await page.fill('#name-form-name', 'Robin Provider')
    await page.click('#name-form button[type="submit"]')
    await textMatching(page.locator('#name-status'), /^Name saved\.$/)
    await textMatching(page.locator('.user-bar [data-user-name]'), /^Robin Provider$/)
    await page.selectOption('#prefs-form-theme', 'dark')
    await page.click('#prefs-form button[type="submit"]')
    await textMatching(page.locator('#prefs-status'), /^Preferences saved\.$/)
    await page.reload()
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'the theme preference is applied by the server')
    await checkPage(page, 'account-dark', record)

    await page.click('text=For developers')
    await page.waitForURL(`${origin}/developers`)
    await checkPage(page, 'developers', record)
  })

  it('the passport example: same stylesheet, same checks', async function () {
    const page = await newPage()
    const address = `lee.${run}@example.com`
    await page.goto(`${passportSite.origin}/`)
    await checkPage(page, 'passport-sign-in', record)
    await page.fill('#sign-up-name', 'Lee')
    await page.fill('#sign-up-email', address)
    await page.fill('#sign-up-password', firstPassword)
    await page.click('form[action="/sign-up"] button[type="submit"]')
    await page.waitForURL(`${passportSite.origin}/me`)
    await textMatching(page.locator('h1'), /^Hello, Lee$/)
    await checkPage(page, 'passport-me', record)
    await page.click('form[action="/sign-out"] button[type="submit"]')
    await page.waitForURL(`${passportSite.origin}/`)
    await page.fill('#code-email', address)
    await page.click('form[action="/code"] button[type="submit"]')
    await textMatching(page.locator('h1'), /^Enter your code$/)
    await checkPage(page, 'passport-code', record)
  })

  it('checked every page, and no page logged a script error or a CSP refusal', function () {
    const pages = [
      'sign-in', 'sign-in-error', 'sign-up', 'account', 'verify-email', 'mfa', 'mfa-setup', 'mfa-recovery-codes', 'mfa-on', 'challenge',
      'challenge-code', 'sessions', 'security-log', 'forgot-password', 'reset-password', 'sign-in-link', 'magic-link-used', 'sign-in-code', 'sign-in-code-sent',
      'sign-in-sms', 'account-guest', 'account-dark', 'developers', 'passport-sign-in', 'passport-me', 'passport-code',
    ]
    assert.deepEqual([...record.checked].sort(), [...pages].sort())
    // 4xx answers the pages expect (a wrong password, a used link) are logged by Chromium as failed loads; nothing else may be.
    assert.deepEqual(errors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e)), [])
  })
})
