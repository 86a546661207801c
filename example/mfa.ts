/**
 * The example's two-step sign-in (MFA) page, mounted by `example/app.ts`:
 *
 * - `GET /mfa` — behind `requireSession({ skipMfa: true })`, so a session that still owes its
 *   second factor reaches it too. A fully signed-in session sees the enrolment: a button that
 *   adds an authenticator app (`POST /v1/account/mfa/authenticators/totp`) and shows its
 *   `otpauth://` URI as a QR code, a form for the first code (`PUT …/totp`), recovery codes
 *   (`POST /v1/account/mfa/recovery-codes`) and the MFA switch (`PATCH /v1/account/mfa`). A
 *   session that owes a factor sees the challenge form instead (`POST` then `PUT
 *   /v1/account/mfa/challenges`).
 * - `POST /mfa/qr` — `{ uri }` → `{ dataUrl }`: the QR code of the signed-in user's pending
 *   authenticator, drawn on the server with `qrcode` (a PNG `data:` URL), so the page needs
 *   no QR library and the secret never goes to a third party.
 *
 * Everything else is the browser talking to the Account API with its session cookie, the
 * way an Appwrite web SDK would. Server-rendered values are HTML-escaped; values handed to the
 * inline script go through `scriptJson()`; the script writes text with `textContent` only.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { URI, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import type { ExpressAccounts } from '../lib/index.js'
import { escapeHtml, scriptJson } from './pages.js'

export const MFA_PATH = '/mfa'
export const MFA_QR_PATH = '/mfa/qr'

type Factor = 'totp' | 'email' | 'phone' | 'recoveryCode'

export interface MfaPageInput {
  project: string
  name: string
  email: string
  /** MFA switched on for the account. */
  enabled: boolean
  /** This session still owes a second factor (the gate is closed). */
  owesFactor: boolean
  /** The session's factors so far, e.g. `['password']`. */
  sessionFactors: string[]
  /** A verified authenticator app. */
  hasAuthenticator: boolean
  hasRecoveryCodes: boolean
  /** Factors a challenge can use now. */
  challengeFactors: Factor[]
}

const FACTOR_LABELS: Record<Factor, string> = {
  totp: 'Authenticator app',
  email: 'Code by email',
  phone: 'Code by SMS',
  recoveryCode: 'Recovery code',
}

/** The router: mount it at the app's root (`app.use(mfaRouter(accounts, project))`). */
export function mfaRouter(accounts: ExpressAccounts, project: string): Router {
  const router = express.Router()

  router.get(MFA_PATH, accounts.requireSession({ skipMfa: true, redirectTo: '/' }), async (req: Request, res: Response) => {
    // requireSession set the public models; the MFA state needs the records behind them.
    const auth = await accounts.sessions.resolveById(req.account!.$id, req.accountSession!.$id)
    if (!auth) return res.redirect(302, '/')
    const { account, session } = auth
    const factors = accounts.mfa.factors(account)
    const challengeFactors = (['totp', 'email', 'phone', 'recoveryCode'] as const).filter((f) => factors[f])
    res.set({ 'Cache-Control': 'no-store' })
    res.type('html').send(
      mfaPage({
        project,
        name: account.name,
        email: account.email,
        enabled: account.mfa,
        owesFactor: accounts.mfa.needsMoreFactors(account, session),
        sessionFactors: session.factors,
        hasAuthenticator: factors.totp,
        hasRecoveryCodes: factors.recoveryCode,
        challengeFactors,
      }),
    )
  })

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

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}' +
  'code,pre{background:#f4f4f4;padding:.1rem .3rem}section{border-top:1px solid #ddd;margin-top:1.5rem}' +
  'img{image-rendering:pixelated}ol{font-family:monospace}'

export function mfaPage(input: MfaPageInput): string {
  const who = escapeHtml(input.name ? `${input.name} <${input.email}>` : input.email || '(no email)')
  const factors = escapeHtml(input.sessionFactors.join(', ') || '(none)')
  const state = input.enabled ? 'on' : 'off'
  const challenge = `<section id="challenge">
<h2>Finish signing in</h2>
<p>Two-step sign-in is on for this account: this session needs a second step before the
rest of the app opens (until then <a href="/api/me">/api/me</a> answers <code>401 user_more_factors_required</code>).</p>
<form id="challenge-start">
<label>Second step <select name="factor">${input.challengeFactors
    .map((f) => `<option value="${escapeHtml(f)}">${escapeHtml(FACTOR_LABELS[f])}</option>`)
    .join('')}</select></label>
<button type="submit">Continue</button>
</form>
<form id="challenge-verify" hidden>
<label>Code <input name="otp" autocomplete="one-time-code" required></label>
<button type="submit">Verify</button>
</form>
</section>`
  const enrol = `<section id="authenticator">
<h2>Authenticator app</h2>
${
  input.hasAuthenticator
    ? '<p>An authenticator app is set up.</p>'
    : `<p>Scan a QR code with an authenticator app (Google Authenticator, 1Password, Aegis…), then type the code it shows.</p>
<button type="button" id="totp-start">Set up an authenticator app</button>
<div id="totp-setup" hidden>
<p><img id="totp-qr" alt="QR code of your authenticator secret" width="240" height="240"></p>
<p>Or type this secret: <code id="totp-secret"></code></p>
<form id="totp-verify">
<label>First code <input name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required></label>
<button type="submit">Activate</button>
</form>
</div>`
}
</section>
<section id="recovery">
<h2>Recovery codes</h2>
${
  input.hasRecoveryCodes
    ? '<p>Recovery codes are set up. Each works once.</p>'
    : `<p>Six single-use codes for when your phone is not at hand. They are shown once here: keep them somewhere safe.</p>
<button type="button" id="recovery-create">Create recovery codes</button>
<ol id="recovery-codes" hidden></ol>`
}
</section>
<section id="switch">
<h2>Two-step sign-in is ${state}</h2>
<form id="mfa-toggle">
<button type="submit">${input.enabled ? 'Turn two-step sign-in off' : 'Turn two-step sign-in on'}</button>
</form>
</section>`

  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Two-step sign-in · express-accounts example</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Two-step sign-in</h1>
<p>Signed in as <strong id="who">${who}</strong>. This session's factors: <code id="factors">${factors}</code>.</p>
${input.owesFactor ? challenge : enrol}
<p id="mfa-status" role="status"></p>
<p><a href="/">Start page</a> · <a href="/api/me">/api/me</a></p>
<script>
(() => {
  const config = ${scriptJson({ project: input.project, enabled: input.enabled })}
  const $ = (id) => document.getElementById(id)
  const status = $('mfa-status')
  const say = (text) => { status.textContent = text }
  const fail = (err) => say('Failed: ' + (err instanceof Error ? err.message : String(err)))
  const answer = async (res) => {
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw Object.assign(new Error(body.message || 'HTTP ' + res.status), { type: body.type })
    return body
  }
  // The Account API with this browser's session cookie, as the web SDK calls it.
  const api = (method, path, body) => fetch('/v1/account' + path, {
    method,
    headers: { 'content-type': 'application/json', 'x-appwrite-project': config.project },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  }).then(answer)
  const on = (id, type, handler) => {
    const el = $(id)
    if (el) el.addEventListener(type, async (event) => {
      if (event && event.preventDefault) event.preventDefault()
      try { await handler(el) } catch (err) { fail(err) }
    })
  }

  // Enrolment: create the authenticator, draw its URI as a QR code, activate with a first code.
  on('totp-start', 'click', async () => {
    say('Creating…')
    const { secret, uri } = await api('POST', '/mfa/authenticators/totp')
    const qr = await fetch('/mfa/qr', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri }),
      credentials: 'same-origin',
    }).then(answer)
    if (typeof qr.dataUrl !== 'string' || !qr.dataUrl.startsWith('data:image/png;base64,')) throw new Error('unexpected QR answer')
    $('totp-qr').src = qr.dataUrl
    $('totp-secret').textContent = secret
    $('totp-setup').hidden = false
    say('Scan the code, then type the 6 digits your app shows.')
  })
  on('totp-verify', 'submit', async (form) => {
    await api('PUT', '/mfa/authenticators/totp', { otp: form.elements.otp.value.trim() })
    $('totp-setup').hidden = true
    say('Authenticator app active.' + (config.enabled ? '' : ' Turn two-step sign-in on below to require it.'))
  })
  on('recovery-create', 'click', async () => {
    const { recoveryCodes } = await api('POST', '/mfa/recovery-codes')
    const list = $('recovery-codes')
    for (const code of recoveryCodes) {
      const li = document.createElement('li')
      li.textContent = code
      list.append(li)
    }
    list.hidden = false
    say('Recovery codes created: write them down now.')
  })
  on('mfa-toggle', 'submit', async () => {
    const account = await api('PATCH', '/mfa', { mfa: !config.enabled })
    say('Two-step sign-in is ' + (account.mfa ? 'on' : 'off') + '.')
    location.reload()
  })

  // The challenge: start it (email / SMS send a code now), then answer it.
  let challengeId = null
  on('challenge-start', 'submit', async (form) => {
    const factor = form.elements.factor.value
    challengeId = (await api('POST', '/mfa/challenges', { factor })).$id
    $('challenge-verify').hidden = false
    say(factor === 'email' ? 'A code is on its way to your email.' : factor === 'phone' ? 'A code is on its way by SMS.' : 'Type the code.')
  })
  on('challenge-verify', 'submit', async (form) => {
    if (!challengeId) throw new Error('start a challenge first')
    const session = await api('PUT', '/mfa/challenges', { challengeId, otp: form.elements.otp.value.trim() })
    $('factors').textContent = session.factors.join(', ')
    say('Done: this session is fully signed in.')
    location.reload()
  })
})()
</script>
</body>
</html>
`
}
