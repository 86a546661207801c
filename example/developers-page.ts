/**
 * `/developers`: how this example is put together and how to point your own code at it — the
 * SDK endpoint and project id, the web and server SDK calls, the `requireSession()` route,
 * OAuth2 providers with their callback URLs, delivery, and the passport example.
 */
import { html, type Html } from './html.js'
import type { OAuth2Link } from './oauth2.js'

export interface DevelopersPageInput {
  /** SDK endpoint as this request reached it, e.g. `http://localhost:3000/v1`. */
  endpoint: string
  project: string
  hasKey: boolean
  consoleEmail: boolean
  consoleSms: boolean
  oauth2: OAuth2Link[]
  /** Where the passport example runs by default. */
  passportUrl: string
}

export function developersPage(input: DevelopersPageInput): Html {
  const { endpoint, project } = input
  const keyNote = input.hasKey
    ? html`A server key is configured (<code>ACCOUNTS_API_KEY</code>), so this works as is:`
    : html`Set <code>ACCOUNTS_API_KEY</code> (16+ characters) and restart to enable this:`
  return html`<div class="page-title">
<h1>For developers</h1>
<p>This app is <code>example/</code> in the express-accounts repository: the Appwrite-compatible Account API at <code>/v1</code>, and pages that use Appwrite's own web SDK against it.</p>
</div>
<section class="card" aria-labelledby="sdk-title">
<h2 id="sdk-title">Point an Appwrite SDK here</h2>
<dl class="facts">
<dt>Endpoint</dt><dd><code>${endpoint}</code></dd>
<dt>Project ID</dt><dd><code>${project}</code></dd>
</dl>
<h3>Web SDK (<code>appwrite</code>), from a page on this origin</h3>
<pre tabindex="0"><code>import { Client, Account, ID } from 'appwrite'

const client = new Client().setEndpoint('${endpoint}').setProject('${project}')
const account = new Account(client)
await account.create({ userId: ID.unique(), email: 'me@example.com', password: 'a long password' })
await account.createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
console.log(await account.get())</code></pre>
<p class="muted">Pages on another origin are refused (<code>403 general_unknown_origin</code>) unless that origin is in <code>allowedOrigins</code>.</p>
<h3>Server SDK (<code>node-appwrite</code>)</h3>
<p>${keyNote}</p>
<pre tabindex="0"><code>import { Client, Account } from 'node-appwrite'

const server = new Client().setEndpoint('${endpoint}').setProject('${project}').setKey(process.env.ACCOUNTS_API_KEY)
const session = await new Account(server).createEmailPasswordSession({ email: 'me@example.com', password: 'a long password' })
const user = new Client().setEndpoint('${endpoint}').setProject('${project}').setSession(session.secret)
console.log(await new Account(user).get())</code></pre>
</section>
<section class="card" aria-labelledby="routes-title">
<h2 id="routes-title">Your own routes</h2>
<p><a href="/api/me">/api/me</a> is an app route behind <code>accounts.requireSession()</code>: it answers the signed-in account as JSON, or <code>401</code> without a session cookie.</p>
</section>
${oauth2Section(input.oauth2)}
<section class="card" aria-labelledby="delivery-title">
<h2 id="delivery-title">Email and text messages</h2>
<p>${input.consoleEmail ? html`Email is printed in the <strong>server console</strong> (set <code>SMTP_URL</code> to send it).` : html`Email goes out through SMTP (<code>SMTP_URL</code>).`}
${input.consoleSms ? html`Text messages are printed in the server console (set <code>SMS_WEBHOOK_URL</code> to send them).` : html`Text messages go to the SMS webhook (<code>SMS_WEBHOOK_URL</code>).`}</p>
</section>
<section class="card" aria-labelledby="passport-title">
<h2 id="passport-title">The passport example</h2>
<p>The same sign-in core without the Appwrite API: <code>passport</code> + <code>express-session</code> with the package's strategies, server-rendered forms.
Start it with <code>npm run start:passport</code>, then open <a href="${input.passportUrl}">${input.passportUrl}</a>.</p>
</section>`
}

function oauth2Section(links: OAuth2Link[]): Html {
  if (links.length === 0) {
    return html`<section class="card" aria-labelledby="oauth2-title">
<h2 id="oauth2-title">Sign in with a provider (OAuth2)</h2>
<p>No OAuth2 provider is configured. Set <code>OAUTH2_PROVIDERS=github</code> with <code>OAUTH2_GITHUB_CLIENT_ID</code> and
<code>OAUTH2_GITHUB_CLIENT_SECRET</code> (or google, gitlab, discord, microsoft, or a name of your own with its
<code>OAUTH2_&lt;NAME&gt;_ISSUER</code>) and restart: the sign-in page then offers "Sign in with GitHub".</p>
</section>`
  }
  const items = links.map((l) => html`<dt>${l.label}</dt><dd><code>${l.callbackUrl}</code></dd>`)
  return html`<section class="card" aria-labelledby="oauth2-title">
<h2 id="oauth2-title">Sign in with a provider (OAuth2)</h2>
<p>Each provider's app settings must list this callback URL exactly:</p>
<dl class="facts" id="oauth2-providers">${items}</dl>
</section>`
}
