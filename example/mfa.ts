/**
 * The example's two-step sign-in (MFA) pages, mounted by `example/site.ts`:
 *
 * - `GET /mfa` — for a fully signed-in session: the switch, adding an authenticator app (its
 *   `otpauth://` URI drawn as a QR code), recovery codes. The page's script
 *   (`public/pages/mfa.js`) does each step with Appwrite's web SDK.
 * - `GET /mfa/challenge` — for a session that still owes its second factor, whichever way it
 *   signed in: pick a factor, then type the code (`createMFAChallenge` / `updateMFAChallenge`).
 * - `POST /mfa/qr` — `{ uri }` → `{ dataUrl }`: the QR code of the signed-in user's pending
 *   authenticator, drawn on the server with `qrcode` (a PNG `data:` URL), so the page needs
 *   no QR library and the secret never goes to a third party.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { URI, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import type { AccountRecord, ExpressAccounts, SessionRecord } from '../lib/index.js'
import { field, formAlert, statusRegion, submit } from './forms.js'
import { html, type Html } from './html.js'
import { NEEDS_SCRIPT, PAGE_CSP } from './layout.js'
import { CHALLENGE_PATH, page } from './page-session.js'
import { appPage, cardPage, type Site } from './shell.js'

const MFA_PATH = '/mfa'
const MFA_QR_PATH = '/mfa/qr'
export { CHALLENGE_PATH }

export type Factor = 'totp' | 'email' | 'phone' | 'recoveryCode'

export interface MfaPageInput {
  /** MFA switched on for the account. */
  enabled: boolean
  /** A verified authenticator app. */
  hasAuthenticator: boolean
  hasRecoveryCodes: boolean
  /** A verified email or phone counts as a second step too. */
  verifiedEmail: boolean
  verifiedPhone: boolean
}

export interface ChallengeChoice {
  factor: Factor
  label: string
}

/** The router: mount it at the app's root. */
export function mfaRouter(accounts: ExpressAccounts, site: Site): Router {
  const router = express.Router()

  router.get(
    MFA_PATH,
    page(accounts, PAGE_CSP, ['signed-in'], (req, _res, state) => {
      if (state.kind !== 'signed-in') throw new Error('unreachable')
      const { account } = state.auth
      const f = accounts.mfa.factors(account)
      const input = { enabled: account.mfa, hasAuthenticator: f.totp, hasRecoveryCodes: f.recoveryCode, verifiedEmail: f.email, verifiedPhone: f.phone }
      return appPage(site, req, state.auth, MFA_PATH, { title: 'Two-step sign-in', body: mfaPage(input), script: 'mfa', config: { enabled: account.mfa } })
    }),
  )

  router.get(
    CHALLENGE_PATH,
    page(accounts, PAGE_CSP, ['owes-factor'], (req, _res, state) => {
      if (state.kind !== 'owes-factor') throw new Error('unreachable')
      const choices = challengeChoices(accounts, state.auth.account, state.auth.session)
      return cardPage(site, req, { title: 'Confirm it is you', body: challengePage(choices), script: 'challenge' })
    }),
  )

  router.post(
    MFA_QR_PATH,
    accounts.requireSession(),
    express.json({ limit: '2kb' }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const uri = (req.body as { uri?: unknown } | undefined)?.uri
        const account = await accounts.getAccount(req.account!.$id)
        if (!account) return res.status(401).json(appwriteError(401, 'general_unauthorized_scope', 'User (role: guests) missing scopes (["account"])'))
        // Only the user's own pending authenticator: a verified one is never shown again.
        if (!account.totp || account.totp.verified) {
          return res.status(404).json(appwriteError(404, 'user_authenticator_not_found', 'No authenticator is waiting for its first code.'))
        }
        // What `POST /v1/account/mfa/authenticators/totp` answered for this user: a TOTP URI
        // with the project's issuer and the account's label. (The server cannot compare the
        // secret: it is sealed. Drawing someone else's URI would only draw a picture.)
        const label = account.email || account.phone || account.id
        let parsed: ReturnType<typeof URI.parse> | null = null
        try {
          parsed = typeof uri === 'string' && uri.length <= 512 ? URI.parse(uri) : null
        } catch {
          parsed = null
        }
        if (!(parsed instanceof TOTP) || parsed.issuer !== accounts.options.projectName || parsed.label !== label) {
          return res.status(400).json(appwriteError(400, 'general_argument_invalid', 'Invalid `uri` param: the otpauth:// URI of your pending authenticator'))
        }
        res.set({ 'Cache-Control': 'no-store' })
        res.json({ dataUrl: await QRCode.toDataURL(uri as string, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) })
      } catch (err) {
        next(err)
      }
    },
  )

  return router
}

function appwriteError(code: number, type: string, message: string) {
  return { message, code, type, version: '1.9.6' }
}

/**
 * The factors a challenge can use now. One the session already proved (an email code, a
 * magic link: `email`) would not add a second step, so it is not offered.
 */
function challengeChoices(accounts: ExpressAccounts, account: AccountRecord, session: SessionRecord): ChallengeChoice[] {
  const f = accounts.mfa.factors(account)
  const proved = new Set(session.factors)
  const choices: ChallengeChoice[] = []
  if (f.totp) choices.push({ factor: 'totp', label: 'A code from my authenticator app' })
  if (f.email && !proved.has('email')) choices.push({ factor: 'email', label: `A code by email to ${account.email}` })
  if (f.phone && !proved.has('phone')) choices.push({ factor: 'phone', label: `A code by text message to ${account.phone}` })
  if (f.recoveryCode) choices.push({ factor: 'recoveryCode', label: 'One of my recovery codes' })
  return choices
}

function challengePage(choices: ChallengeChoice[]): Html {
  if (choices.length === 0) {
    return html`<div class="card">
<h1>Confirm it is you</h1>
<p>Two-step sign-in is on for this account, but it has no second step this sign-in has not already used. Sign out, then sign in another way (with the password, for instance).</p>
<div class="actions"><button type="button" class="btn" data-sign-out>Sign out</button></div>
</div>`
  }
  const radios = choices.map(
    (c, i) => html`<label class="choice"><input type="radio" name="factor" value="${c.factor}"${i === 0 ? html` checked` : ''}> ${c.label}</label>`,
  )
  return html`<div class="card">
<h1>Confirm it is you</h1>
<p class="lede">Two-step sign-in is on for this account. One more step finishes signing in.</p>
<form id="challenge-start">
${formAlert}
<fieldset>
<legend>Confirm with</legend>
${radios}
</fieldset>
${submit('Continue')}
</form>
<form id="challenge-verify" hidden>
<p class="notice" role="status" id="challenge-status"></p>
${formAlert}
${field({ form: 'challenge-verify', name: 'otp', label: 'Code', code: true, autocomplete: 'one-time-code', maxlength: 10 })}
<div class="actions">${submit('Verify', 'btn')}<button type="button" class="btn btn-quiet" id="challenge-restart">Try another way</button></div>
</form>
${NEEDS_SCRIPT}
</div>
<p class="switch-link">Not you, or stuck? <button type="button" class="btn btn-quiet btn-small" data-sign-out>Cancel and sign out</button></p>`
}

function mfaPage(input: MfaPageInput): Html {
  const canTurnOn = input.hasAuthenticator || input.verifiedEmail || input.verifiedPhone
  const secondSteps = [input.hasAuthenticator && 'a code from your authenticator app', input.verifiedEmail && 'a code by email', input.verifiedPhone && 'a code by text message'].filter(
    (s): s is string => typeof s === 'string',
  )
  const switchText = input.enabled
    ? canTurnOn
      ? html`Every new sign-in also asks for ${secondSteps.join(', or ')}${input.hasRecoveryCodes ? ' (or a recovery code)' : ''}.`
      : html`It is on, but there is no second step to ask for yet: add an authenticator app below.`
    : canTurnOn
      ? html`Turn it on to ask for ${secondSteps.join(', or ')} after the password, code or link.`
      : html`Add an authenticator app below first (or verify your email address), then turn it on.`
  const authenticator = input.hasAuthenticator
    ? html`<p><span class="badge badge-success">Active</span> Codes from your authenticator app are accepted as a second step.</p>
<p class="alert" role="alert" id="totp-alert"></p>
<div class="actions"><button type="button" class="btn btn-danger btn-small" id="totp-remove">Remove the authenticator app</button></div>`
    : html`<p class="muted">Any TOTP app works: Google Authenticator, Microsoft Authenticator, 1Password, Aegis, …</p>
<p class="alert" role="alert" id="totp-alert"></p>
<div class="actions" id="totp-start-row"><button type="button" class="btn" id="totp-start">Set up an authenticator app</button></div>
<div id="totp-setup" hidden>
<ol class="steps">
<li>Scan this QR code with the app.
<img id="totp-qr" class="qr" alt="QR code to add this account to an authenticator app" width="240" height="240"></li>
<li>Cannot scan it? Type this key instead: <code id="totp-secret" class="secret"></code></li>
<li>Type the 6-digit code the app shows.</li>
</ol>
<form id="totp-verify">
${formAlert}
${field({ form: 'totp-verify', name: 'otp', label: 'Code from the app', code: true, autocomplete: 'one-time-code', maxlength: 6, pattern: '[0-9]{6}' })}
${submit('Activate', 'btn')}
</form>
</div>`
  const recovery = input.hasRecoveryCodes
    ? html`<p>You have recovery codes. Each one works once, when your other second steps are out of reach.</p>
<div class="actions"><button type="button" class="btn btn-secondary btn-small" id="recovery-regenerate">Replace them with new codes</button></div>`
    : html`<p class="muted">Six single-use codes for when your phone is not at hand. They are shown once: keep them somewhere safe.</p>
<div class="actions"><button type="button" class="btn btn-secondary" id="recovery-create">Create recovery codes</button></div>`

  return html`<div class="page-title">
<h1>Two-step sign-in</h1>
<p>A second step after the password, code or link, so a leaked password alone does not open your account.</p>
</div>
${NEEDS_SCRIPT}
<section class="card" id="switch" aria-labelledby="switch-title">
<div class="card-header"><h2 id="switch-title">Two-step sign-in is ${input.enabled ? 'on' : 'off'}</h2><span class="badge${input.enabled ? ' badge-success' : ' badge-muted'}">${input.enabled ? 'On' : 'Off'}</span></div>
<p>${switchText}</p>
<form id="mfa-toggle">
${formAlert}
${submit(input.enabled ? 'Turn two-step sign-in off' : 'Turn two-step sign-in on', input.enabled ? 'btn btn-secondary' : 'btn')}
</form>
</section>
<section class="card" id="authenticator" aria-labelledby="authenticator-title">
<h2 id="authenticator-title">Authenticator app</h2>
${authenticator}
</section>
<section class="card" id="recovery" aria-labelledby="recovery-title">
<h2 id="recovery-title">Recovery codes</h2>
<p class="alert" role="alert" id="recovery-alert"></p>
${statusRegion('recovery-status')}
${recovery}
<ol class="codes" id="recovery-codes" hidden></ol>
</section>`
}
