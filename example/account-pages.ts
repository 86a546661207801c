/**
 * The signed-in pages' markup: the account page (guest-account upgrade, email verification,
 * name, email, phone, password, preferences) and the sessions page. Their scripts
 * (`public/pages/account.js`, `sessions.js`) read and change everything with Appwrite's web SDK.
 */
import { html, type Html } from './html.js'
import { field, formAlert, statusRegion, submit } from './forms.js'
import { icon } from './icons.js'
import { NEEDS_SCRIPT } from './layout.js'

const save = (label: string) => submit(label, 'btn')

export function accountPage(): Html {
  return html`<div class="page-title">
<h1>Your account</h1>
<p>Signed in as <strong data-user-name>…</strong></p>
</div>
${NEEDS_SCRIPT}
<section class="notice notice-warn" id="guest-notice" aria-labelledby="guest-title" hidden>
<h2 id="guest-title">You are using a guest account</h2>
<p>Add an email address and a password to keep it: you can then sign in again on any device, and nothing else changes.</p>
<form id="upgrade-form">
${formAlert}
${field({ form: 'upgrade-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })}
${field({ form: 'upgrade-form', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', minlength: 8, hint: 'At least 8 characters.' })}
${save('Keep my account')}
</form>
</section>
<section class="notice notice-warn" id="verify-notice" aria-label="Email verification" hidden>
<p>Your email address <strong id="unverified-email"></strong> is not verified yet. Verifying it lets it reset your password and serve as a second step.</p>
<p class="alert" role="alert" id="verify-alert"></p>
<p role="status" id="verify-status"></p>
<div class="actions"><button type="button" class="btn btn-small" id="send-verification">Send a verification link</button></div>
</section>
<section class="card" aria-labelledby="profile-title">
<h2 id="profile-title">Profile</h2>
<form id="name-form">
${formAlert}
${statusRegion('name-status')}
${field({ form: 'name-form', name: 'name', label: 'Name', autocomplete: 'name', required: false })}
${save('Save name')}
</form>
</section>
<section class="card" aria-labelledby="email-title" data-needs-owner>
<div class="card-header"><h2 id="email-title">Email</h2><span class="badge" id="email-badge" hidden></span></div>
<p class="muted">Current: <span id="email-current">none</span></p>
<form id="email-form">
${formAlert}
${statusRegion('email-status')}
${field({ form: 'email-form', name: 'email', label: 'New email', type: 'email', autocomplete: 'email' })}
${field({ form: 'email-form', name: 'password', label: 'Current password', type: 'password', autocomplete: 'current-password', hint: 'Confirms it is you.' })}
${save('Change email')}
</form>
</section>
<section class="card" aria-labelledby="phone-title" data-needs-owner>
<div class="card-header"><h2 id="phone-title">Phone</h2><span class="badge" id="phone-badge" hidden></span></div>
<p class="muted">Current: <span id="phone-current">none</span></p>
<form id="phone-form">
${formAlert}
${statusRegion('phone-status')}
${field({ form: 'phone-form', name: 'phone', label: 'New phone number', type: 'tel', autocomplete: 'tel', hint: 'International format, e.g. +14155552671.' })}
${field({ form: 'phone-form', name: 'password', label: 'Current password', type: 'password', autocomplete: 'current-password', hint: 'Confirms it is you.' })}
${save('Change phone')}
</form>
</section>
<section class="card" aria-labelledby="password-title" data-needs-owner>
<h2 id="password-title">Password</h2>
<p class="muted" id="password-state"></p>
<form id="password-form">
${formAlert}
${statusRegion('password-status')}
<div id="old-password-field">
${field({ form: 'password-form', name: 'oldPassword', label: 'Current password', type: 'password', autocomplete: 'current-password' })}
</div>
${field({ form: 'password-form', name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', minlength: 8, hint: 'At least 8 characters. Your other sessions are signed out when it changes.' })}
${save('Change password')}
</form>
</section>
<section class="card" aria-labelledby="prefs-title">
<h2 id="prefs-title">Preferences</h2>
<p class="muted">Kept in the account's <code>prefs</code>, so they follow you to every device.</p>
<form id="prefs-form">
${formAlert}
${statusRegion('prefs-status')}
<div class="field">
<label for="prefs-form-theme">Theme</label>
<select id="prefs-form-theme" name="theme">
<option value="system">Same as the system</option>
<option value="light">Light</option>
<option value="dark">Dark</option>
</select>
</div>
<label class="check"><input type="checkbox" name="newsletter" id="prefs-form-newsletter"> Email me when something new ships</label>
${save('Save preferences')}
</form>
</section>
<section class="card" aria-labelledby="details-title">
<h2 id="details-title">Details</h2>
<dl class="facts">
<dt>Account ID</dt><dd><code id="account-id">…</code></dd>
<dt>Created</dt><dd id="account-created">…</dd>
<dt>Two-step sign-in</dt><dd><span id="account-mfa">…</span> · <a href="/mfa">Manage</a></dd>
</dl>
</section>`
}

export function sessionsPage(): Html {
  return html`<div class="page-title">
<h1>Sessions</h1>
<p>Everywhere your account is signed in. Sign out of anything you do not recognise.</p>
</div>
${NEEDS_SCRIPT}
<section class="card" aria-labelledby="sessions-title">
<div class="card-header"><h2 id="sessions-title">Signed-in sessions</h2><span class="muted small" id="sessions-count"></span></div>
<p class="alert" role="alert" id="sessions-alert"></p>
${statusRegion('sessions-status')}
<ul class="list" id="sessions" aria-busy="true"><li class="muted">Loading…</li></ul>
</section>
<section class="card" aria-labelledby="elsewhere-title">
<h2 id="elsewhere-title">Sign out elsewhere</h2>
<p class="muted">Lost a phone, or used a shared computer? End every other session and keep this one, or end them all.</p>
<div class="actions">
<button type="button" class="btn btn-secondary" id="revoke-others">Sign out all other sessions</button>
<button type="button" class="btn btn-danger" id="sign-out-everywhere">Sign out everywhere</button>
</div>
</section>
<template id="session-template">
<li class="session">
<div class="session-main">
<span class="session-icon" data-device-icon></span>
<div>
<h3><span data-field="title"></span> <span class="badge badge-success" data-field="current" hidden>This device</span></h3>
<dl class="facts">
<dt>Device</dt><dd data-field="device"></dd>
<dt>IP address</dt><dd data-field="ip"></dd>
<dt>Signed in</dt><dd data-field="signedIn"></dd>
<dt>Expires</dt><dd data-field="expires"></dd>
</dl>
</div>
</div>
<div class="actions"><button type="button" class="btn btn-secondary btn-small" data-field="revoke">Sign out</button></div>
</li>
</template>
<template id="icon-desktop">${icon('desktop')}</template>
<template id="icon-phone">${icon('phone')}</template>`
}
