/**
 * Shared by every page of the example: one Appwrite web SDK client (the official `appwrite`
 * package, served at /vendor/appwrite.js) pointed at this origin's /v1, form wiring (busy
 * state; failures announced in the form's role="alert" region), the step after any sign-in,
 * and the header's sign-out button.
 *
 * Everything shown comes from the API or from fixed strings here; text is only ever written
 * with textContent.
 */
const { Client, Account, ID } = window.Appwrite

const configElement = document.getElementById('page-config')
/** What the server handed this page (`project`, and whatever the page needs). */
export const config = configElement ? JSON.parse(configElement.textContent) : {}

// Same origin as the API: the session lives in the HttpOnly cookie the API sets.
export const client = new Client().setEndpoint(`${location.origin}/v1`).setProject(config.project)
export const account = new Account(client)
export { ID }

/** Friendlier words for the errors people cause; anything else shows the API's own message. */
const MESSAGES = {
  user_invalid_credentials: 'Wrong email or password.',
  user_invalid_token: 'That code or link is wrong, already used, or expired.',
  user_already_exists: 'An account with this email already exists. Sign in instead.',
  user_email_already_exists: 'Another account already uses this email.',
  user_phone_already_exists: 'Another account already uses this phone number.',
  user_blocked: 'This account is blocked.',
  general_rate_limit_exceeded: 'Too many attempts. Wait a little, then try again.',
  user_challenge_required: 'For this, confirm it is you first: sign out, sign in again and complete the two-step check (it counts for 30 minutes).',
}

export function explain(err) {
  if (err && typeof err === 'object' && typeof err.type === 'string' && MESSAGES[err.type]) return MESSAGES[err.type]
  // fetch() rejects with a TypeError when the server cannot be reached at all.
  if (err instanceof TypeError) return 'The server could not be reached. Check that it is running, then try again.'
  return (err && err.message) || String(err)
}

export const $ = (selector, root = document) => root.querySelector(selector)

/** Shows `text` in a message element (role="status" or role="alert"); empty text hides it. */
export function say(element, text) {
  if (element) element.textContent = text
}

function setBusy(button, busy) {
  if (!button) return
  button.disabled = busy
  if (busy) button.setAttribute('aria-busy', 'true')
  else button.removeAttribute('aria-busy')
}

/**
 * Runs `handler(values, form)` on submit with the submit button busy. A throw shows in the
 * form's `[role="alert"]`; whatever the handler returns `'leave'` for keeps the button busy
 * (the page is navigating away).
 */
export function onSubmit(form, handler) {
  if (!form) return
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const button = event.submitter || form.querySelector('button[type="submit"]')
    if (button && button.disabled) return
    const alert = form.querySelector('[role="alert"]')
    say(alert, '')
    setBusy(button, true)
    let outcome
    try {
      outcome = await handler(Object.fromEntries(new FormData(form)), form)
    } catch (err) {
      say(alert, explain(err))
    } finally {
      if (outcome !== 'leave') setBusy(button, false)
    }
  })
}

/** Runs `handler` on click with the button busy; a throw shows in `alert`. */
export function onClick(button, alert, handler) {
  if (!button) return
  button.addEventListener('click', async () => {
    if (button.disabled) return
    say(alert, '')
    setBusy(button, true)
    let outcome
    try {
      outcome = await handler()
    } catch (err) {
      say(alert, explain(err))
    } finally {
      if (outcome !== 'leave') setBusy(button, false)
    }
  })
}

/**
 * After any sign-in: a session that still owes its second factor goes to the challenge,
 * whichever method created it (password, code, magic link, OAuth2).
 */
export async function finishSignIn(next = '/account') {
  try {
    await account.get()
  } catch (err) {
    if (err && err.type === 'user_more_factors_required') {
      location.assign('/mfa/challenge')
      return 'leave'
    }
    throw err
  }
  location.assign(next)
  return 'leave'
}

/** The query's `name`, then removes the whole query from the address bar (links carry single-use secrets). */
export function takeQuery() {
  const query = new URLSearchParams(location.search)
  if (location.search) history.replaceState(null, '', location.pathname)
  return query
}

/** A message for the next page this tab opens (after a navigation or a reload), shown in its `#page-status`. */
export function flash(text) {
  try {
    sessionStorage.setItem('flash', text)
  } catch {
    // Storage off: the message is lost, nothing else.
  }
}

function showFlash() {
  let text = null
  try {
    text = sessionStorage.getItem('flash')
    sessionStorage.removeItem('flash')
  } catch {
    return
  }
  if (text) say($('#page-status'), text)
}
showFlash()

export function formatDate(iso) {
  const date = new Date(iso)
  if (!iso || Number.isNaN(date.getTime())) return 'unknown'
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date)
}

// The header's "Sign out" on signed-in pages: ends this session only.
for (const button of document.querySelectorAll('[data-sign-out]')) {
  onClick(button, $('#page-alert'), async () => {
    try {
      await account.deleteSession({ sessionId: 'current' })
    } catch (err) {
      // Already gone (revoked elsewhere): the browser is signed out either way.
      if (!err || err.code !== 401) throw err
    }
    flash('You are signed out.')
    location.assign('/')
    return 'leave'
  })
}
