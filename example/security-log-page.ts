import { html, type Html } from './html.js'
import { NEEDS_SCRIPT } from './layout.js'

/** `/security-log`: the account's security log (`account.listLogs()`), newest first, 25 a page. */
export function securityLogPage(): Html {
  return html`<div class="page-title">
<h1>Security log</h1>
<p>Sign-ins, failed attempts and changes to your account, newest first. If you do not recognise something, change your password and sign out everywhere.</p>
</div>
${NEEDS_SCRIPT}
<section class="card" aria-labelledby="logs-title">
<div class="card-header"><h2 id="logs-title">Recent activity</h2><span class="muted small" id="logs-count"></span></div>
<p class="alert" role="alert" id="logs-alert"></p>
<table class="table" aria-busy="true" id="logs-table">
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">IP address</th></tr></thead>
<tbody id="logs"><tr><td colspan="4" class="muted">Loading…</td></tr></tbody>
</table>
<div class="actions"><button type="button" class="btn btn-secondary" id="logs-more" hidden>Show older</button></div>
</section>`
}
