/**
 * The example's two HTML pages: `/` (how to point an SDK here, a form that mails a sign-in
 * link, and the "Sign in with <provider>" links) and `/magic` (where that link lands; it
 * finishes the sign-in).
 *
 * Server-rendered values are HTML-escaped; values handed to an inline script go through
 * `scriptJson()`. Nothing from the query is rendered by the server: the scripts read the
 * magic link's `userId` and `secret`, and an OAuth2 failure's `error`, from `location`, and
 * only ever write text with `textContent`.
 */
import type { OAuth2Link } from './oauth2.js'

export interface HomePageInput {
  /** SDK endpoint, e.g. `http://localhost:3000/v1`. */
  endpoint: string
  project: string
  hasKey: boolean
  /** Email goes to the server console (no `SMTP_URL`). */
  consoleEmail: boolean
  /** One per configured OAuth2 provider (`OAUTH2_PROVIDERS`). */
  oauth2: OAuth2Link[]
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}' +
  'pre{background:#f4f4f4;padding:.75rem;overflow:auto}dt{font-weight:600}dd{margin:0 0 .5rem}' +
  'a.button{display:inline-block;padding:.3rem .8rem;border:1px solid #888;border-radius:4px;text-decoration:none}'

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON that is safe inside an inline `<script>`: nothing in it can close the element or start a comment. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

export function homePage(input: HomePageInput): string {
  const endpoint = escapeHtml(input.endpoint)
  const project = escapeHtml(input.project)
  const keyNote = input.hasKey
    ? 'A server key is configured (<code>ACCOUNTS_API_KEY</code>), so this works:'
    : 'Set <code>ACCOUNTS_API_KEY</code> (16+ characters) and restart to enable this:'
  const deliveryNote = input.consoleEmail
    ? '<p>Console delivery is on: no mail is sent, the link is printed in the <strong>server console</strong>. Set <code>SMTP_URL</code> to send real mail.</p>'
    : '<p>Mail goes out through SMTP (<code>SMTP_URL</code>).</p>'
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>express-accounts example</title>
<style>${STYLE}</style>
</head>
<body>
<h1>express-accounts example</h1>
<p id="page-status" role="status" hidden></p>
<p>This server speaks Appwrite's Account API. Point an Appwrite SDK at it with
endpoint <code>${endpoint}</code> and project id <code>${project}</code>.</p>

<h2>Sign in with a link</h2>
<form id="magic-form">
<label>Email <input type="email" name="email" required autocomplete="email"></label>
<button type="submit">Email me a sign-in link</button>
</form>
<p id="magic-status" role="status"></p>
${deliveryNote}
<script>
(() => {
  const project = ${scriptJson(input.project)}
  const consoleDelivery = ${scriptJson(input.consoleEmail)}
  const form = document.getElementById('magic-form')
  const status = document.getElementById('magic-status')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    status.textContent = 'Sending…'
    try {
      const res = await fetch('/v1/account/tokens/magic-url', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': project },
        body: JSON.stringify({ userId: 'unique()', email: form.elements.email.value, url: location.origin + '/magic' }),
        credentials: 'same-origin',
      })
      const body = await res.json().catch(() => ({}))
      if (!res.ok) throw new Error(body.message || 'HTTP ' + res.status)
      status.textContent = consoleDelivery
        ? 'Done: the link is printed in the server console (console delivery). Open it in this browser.'
        : 'Sent: open the link in the email, in this browser.'
    } catch (err) {
      status.textContent = 'Could not send the link: ' + (err instanceof Error ? err.message : String(err))
    }
  })
})()
</script>
${oauth2Section(input.oauth2)}
<script>
(() => {
  // Back from a provider: ?oauth2-error=1&error=<JSON> after a failure, else maybe signed in.
  const project = ${scriptJson(input.project)}
  const status = document.getElementById('page-status')
  const show = (text) => { status.textContent = text; status.hidden = false }
  const query = new URLSearchParams(location.search)
  if (query.has('oauth2-error')) {
    let message = 'the sign-in did not complete.'
    try {
      const error = JSON.parse(query.get('error') || '{}')
      if (typeof error.message === 'string' && error.message !== '') message = error.message.slice(0, 300)
    } catch {}
    history.replaceState(null, '', location.pathname)
    show('Sign-in with a provider failed: ' + message)
    return
  }
  fetch('/v1/account', { headers: { 'x-appwrite-project': project }, credentials: 'same-origin' })
    .then(async (res) => {
      if (!res.ok) return
      const account = await res.json()
      show('Signed in as ' + (account.email || account.name || account.$id) + '.')
    })
    .catch(() => {})
})()
</script>

<h2>Web SDK (<code>appwrite</code>), from a page on this origin</h2>
<pre>import { Client, Account, ID } from 'appwrite'

const client = new Client().setEndpoint('${endpoint}').setProject('${project}')
const account = new Account(client)
await account.create({ userId: ID.unique(), email: 'me@example.com', password: 'a long password' })
await account.createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
console.log(await account.get())</pre>
<p>Pages on another origin are refused (<code>403 general_unknown_origin</code>) unless that origin is
in <code>allowedOrigins</code>.</p>

<h2>Server SDK (<code>node-appwrite</code>)</h2>
<p>${keyNote}</p>
<pre>import { Client, Account } from 'node-appwrite'

const server = new Client().setEndpoint('${endpoint}').setProject('${project}').setKey(process.env.ACCOUNTS_API_KEY)
const session = await new Account(server).createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
const user = new Client().setEndpoint('${endpoint}').setProject('${project}').setSession(session.secret)
console.log(await new Account(user).get())</pre>

<h2>Your own routes</h2>
<p><a href="/api/me">/api/me</a> is an app route behind <code>accounts.requireSession()</code>: it answers
the signed-in account, or <code>401</code> without a session cookie.</p>
</body>
</html>
`
}

function oauth2Section(links: OAuth2Link[]): string {
  if (links.length === 0) {
    return `<h2>Sign in with a provider</h2>
<p>No OAuth2 provider is configured. Set <code>OAUTH2_PROVIDERS=github</code> with <code>OAUTH2_GITHUB_CLIENT_ID</code> and
<code>OAUTH2_GITHUB_CLIENT_SECRET</code> (or google, gitlab, discord, microsoft, or a name of your own with its
<code>OAUTH2_&lt;NAME&gt;_ISSUER</code>) and restart to offer "Sign in with github".</p>`
  }
  const items = links.map(
    (l) => `<li><a class="button" href="${escapeHtml(l.href)}">Sign in with ${escapeHtml(l.provider)}</a>
callback URL to register at ${escapeHtml(l.provider)}: <code>${escapeHtml(l.callbackUrl)}</code></li>`,
  )
  return `<h2>Sign in with a provider</h2>
<ul id="oauth2-providers">
${items.join('\n')}
</ul>
<p>Each button starts the OAuth2 session flow and comes back to this page, signed in. Register the callback URL in the
provider's app settings exactly as shown.</p>`
}

/**
 * The magic-URL landing page: trades the link's `userId` + `secret` for a session cookie
 * (`POST /v1/account/sessions/token`, as the web SDK's `createSession` does), then shows
 * `GET /v1/account`.
 */
export function magicPage(projectId: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Signing in · express-accounts example</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Sign-in link</h1>
<p id="status" role="status">Signing you in…</p>
<dl id="account" hidden></dl>
<noscript><p>This page needs JavaScript: it reads the link's userId and secret and trades them for a session.</p></noscript>
<p><a href="/">Start page</a> · <a href="/api/me">/api/me</a></p>
<script>
(async () => {
  const project = ${scriptJson(projectId)}
  const status = document.getElementById('status')
  const details = document.getElementById('account')
  const query = new URLSearchParams(location.search)
  const userId = query.get('userId')
  const secret = query.get('secret')
  // The secret is single use: keep it out of the address bar, the history and bookmarks.
  history.replaceState(null, '', location.pathname)

  const answer = async (res) => {
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw Object.assign(new Error(body.message || 'HTTP ' + res.status), { type: body.type })
    return body
  }
  const showAccount = async () => {
    const res = await fetch('/v1/account', { headers: { 'x-appwrite-project': project }, credentials: 'same-origin' })
    const account = await answer(res)
    for (const [label, value] of [['Name', account.name || '(none)'], ['Email', account.email], ['Email verified', String(account.emailVerification)]]) {
      const dt = document.createElement('dt')
      dt.textContent = label
      const dd = document.createElement('dd')
      dd.textContent = value
      details.append(dt, dd)
    }
    details.hidden = false
  }

  try {
    if (!userId || !secret) throw new Error('This page needs the userId and secret of a sign-in link; open it from the link in the email.')
    try {
      await answer(await fetch('/v1/account/sessions/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': project },
        body: JSON.stringify({ userId, secret }),
        credentials: 'same-origin',
      }))
    } catch (err) {
      if (err.type !== 'user_session_already_exists') throw err
      status.textContent = 'You were already signed in, so the link was not used.'
      await showAccount()
      return
    }
    status.textContent = 'Signed in.'
    await showAccount()
  } catch (err) {
    status.textContent = 'Sign-in failed: ' + (err instanceof Error ? err.message : String(err))
  }
})()
</script>
</body>
</html>
`
}
