/**
 * The signed-out pages: sign in (password, and the way to every other method), sign up, email
 * code, magic link, phone code, forgot / reset password, and the landing pages of mailed links
 * (`/magic`, `/verify-email`). Markup only; each page's script (`public/pages/<name>.js`)
 * does the work with Appwrite's web SDK. Nothing from the query string is rendered here: the
 * scripts read a link's `userId` / `secret` from `location` themselves.
 */
import { html, type Html } from './html.js'
import { field, formAlert, statusRegion, submit } from './forms.js'
import { icon } from './icons.js'
import { NEEDS_SCRIPT } from './layout.js'
import type { OAuth2Link } from './oauth2.js'

/** Where console delivery prints codes and links, for the hint under a form. */
export interface Delivery {
  consoleEmail: boolean
  consoleSms: boolean
}

const emailHint = (d: Delivery) =>
  d.consoleEmail ? html`<p class="notice small" data-console-hint>No mail server is set up, so the email is printed in the <strong>server console</strong> (set <code>SMTP_URL</code> to send real mail).</p>` : ''

const backToSignIn = html`<p class="switch-link"><a href="/">Back to all sign-in options</a></p>`

export function signInPage(input: { oauth2: OAuth2Link[] }): Html {
  const providers = input.oauth2.map(
    (l) => html`<li><a class="btn btn-secondary" href="${l.href}" data-oauth2="${l.provider}">${icon('enter')}Sign in with ${l.label}</a></li>`,
  )
  return html`<div class="card">
<h1>Sign in</h1>
<form id="password-form">
${formAlert}
${field({ form: 'password-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'username' })}
${field({ form: 'password-form', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', aside: html`<a class="small" href="/forgot-password">Forgot password?</a>` })}
${submit('Sign in')}
</form>
<div class="divider">or</div>
<ul class="methods" aria-label="Other ways to sign in">
<li><a class="btn btn-secondary" href="/sign-in/code">${icon('mail')}Email me a sign-in code</a></li>
<li><a class="btn btn-secondary" href="/sign-in/link">${icon('link')}Email me a sign-in link</a></li>
<li><a class="btn btn-secondary" href="/sign-in/phone">${icon('phone')}Text me a sign-in code</a></li>
${providers}
<li><button type="button" class="btn btn-secondary" id="anonymous">${icon('user')}Continue as a guest</button></li>
</ul>
<p class="alert" role="alert" id="methods-alert"></p>
${NEEDS_SCRIPT}
</div>
<p class="switch-link">New here? <a href="/sign-up">Create an account</a></p>`
}

export function signUpPage(): Html {
  return html`<div class="card">
<h1>Create your account</h1>
<form id="sign-up-form">
${formAlert}
${field({ form: 'sign-up-form', name: 'name', label: 'Name', autocomplete: 'name', required: false, hint: 'Optional. How we greet you.' })}
${field({ form: 'sign-up-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })}
${field({ form: 'sign-up-form', name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', minlength: 8, hint: 'At least 8 characters. A few unrelated words make a strong one.' })}
${submit('Create account')}
</form>
${NEEDS_SCRIPT}
</div>
<p class="switch-link">Already have an account? <a href="/">Sign in</a></p>`
}

/** Email or phone code: ask for the address, then for the 6-digit code. */
export function codePage(kind: 'email' | 'phone', delivery: Delivery): Html {
  const email = kind === 'email'
  const address = email
    ? field({ form: 'request-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })
    : field({ form: 'request-form', name: 'phone', label: 'Phone number', type: 'tel', autocomplete: 'tel', hint: 'In international format, starting with + and the country code, e.g. +14155552671.' })
  const consoleHint = email
    ? emailHint(delivery)
    : delivery.consoleSms
      ? html`<p class="notice small" data-console-hint>No SMS gateway is set up, so the text is printed in the <strong>server console</strong> (set <code>SMS_WEBHOOK_URL</code> to send real SMS).</p>`
      : ''
  return html`<div class="card">
<h1>${email ? 'Sign in with an email code' : 'Sign in with a text message'}</h1>
<form id="request-form">
<p class="lede">${email ? 'We email you a 6-digit code. No password needed; a new address gets a new account.' : 'We text you a 6-digit code. No password needed; a new number gets a new account.'}</p>
${formAlert}
${address}
${submit(email ? 'Email me a code' : 'Text me a code')}
</form>
<form id="verify-form" hidden>
<p class="notice notice-success" role="status" id="sent"></p>
${consoleHint}
${formAlert}
${field({ form: 'verify-form', name: 'code', label: '6-digit code', code: true, autocomplete: 'one-time-code', maxlength: 6, pattern: '[0-9]{6}' })}
<div class="actions">${submit('Sign in', 'btn')}<button type="button" class="btn btn-quiet" id="restart">${email ? 'Use another email' : 'Use another number'}</button></div>
</form>
${NEEDS_SCRIPT}
</div>
${backToSignIn}`
}

export function magicLinkPage(delivery: Delivery): Html {
  return html`<div class="card">
<h1>Sign in with a link</h1>
<p class="lede">We email you a link that signs you in. Open it in this browser. A new address gets a new account.</p>
<form id="link-form">
${formAlert}
${statusRegion('link-status')}
${field({ form: 'link-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })}
${submit('Email me a link')}
</form>
${emailHint(delivery)}
${NEEDS_SCRIPT}
</div>
${backToSignIn}`
}

/** Where a magic link lands: the script trades its `userId` + `secret` for a session. */
export function magicLandingPage(): Html {
  return html`<div class="card">
<h1>Sign-in link</h1>
<p class="notice" role="status" id="magic-status">Checking your sign-in link…</p>
<p class="alert" role="alert" id="magic-alert"></p>
<div class="actions" id="magic-actions" hidden><a class="btn" href="/sign-in/link">Email me a new link</a><a class="btn btn-secondary" href="/">Other ways to sign in</a></div>
<div class="actions" id="magic-continue" hidden><a class="btn" href="/account">Go to your account</a></div>
${NEEDS_SCRIPT}
</div>`
}

export function forgotPasswordPage(delivery: Delivery): Html {
  return html`<div class="card">
<h1>Reset your password</h1>
<p class="lede">Enter your account's email address and we will send you a link to choose a new password.</p>
<form id="forgot-form">
${formAlert}
${statusRegion('forgot-status')}
${field({ form: 'forgot-form', name: 'email', label: 'Email', type: 'email', autocomplete: 'email' })}
${submit('Email me a reset link')}
</form>
${emailHint(delivery)}
${NEEDS_SCRIPT}
</div>
<p class="switch-link">Remembered it? <a href="/">Sign in</a></p>`
}

export function resetPasswordPage(): Html {
  return html`<div class="card">
<h1>Choose a new password</h1>
<form id="reset-form">
${formAlert}
${field({ form: 'reset-form', name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', minlength: 8, hint: 'At least 8 characters. Your other sessions are signed out when it changes.' })}
${field({ form: 'reset-form', name: 'confirm', label: 'Repeat the new password', type: 'password', autocomplete: 'new-password', minlength: 8 })}
${submit('Change password')}
</form>
${NEEDS_SCRIPT}
</div>
<p class="switch-link"><a href="/forgot-password">Request a new reset link</a></p>`
}

export function verifyEmailPage(): Html {
  return html`<div class="card">
<h1>Verify your email</h1>
<p class="notice" role="status" id="verify-status">Checking your verification link…</p>
<p class="alert" role="alert" id="verify-alert"></p>
<div class="actions"><a class="btn" href="/account" id="verify-continue" hidden>Continue to your account</a></div>
${NEEDS_SCRIPT}
</div>`
}
