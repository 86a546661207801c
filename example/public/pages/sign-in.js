// Sign in: password, a guest (anonymous) session, or an OAuth2 provider through the SDK.
import { $, account, finishSignIn, onClick, onSubmit, say } from '../app.js'

// Back from a provider after a failure: ?oauth2-error=1&error=<JSON {message, type, code}>.
const query = new URLSearchParams(location.search)
if (query.has('oauth2-error')) {
  let message = 'the sign-in did not complete.'
  try {
    const error = JSON.parse(query.get('error') || '{}')
    if (typeof error.message === 'string' && error.message !== '') message = error.message.slice(0, 300)
  } catch {
    // Not JSON: keep the general message.
  }
  history.replaceState(null, '', location.pathname)
  say($('#methods-alert'), `Sign-in with a provider failed: ${message}`)
}

onSubmit($('#password-form'), async ({ email, password }) => {
  await account.createEmailPasswordSession({ email: email.trim(), password })
  return finishSignIn()
})

onClick($('#anonymous'), $('#methods-alert'), async () => {
  await account.createAnonymousSession()
  return finishSignIn()
})

// The link works without the SDK too; with it, the SDK builds the same URL and goes there.
for (const link of document.querySelectorAll('[data-oauth2]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault()
    const target = new URL(link.href)
    account.createOAuth2Session({
      provider: link.dataset.oauth2,
      success: target.searchParams.get('success'),
      failure: target.searchParams.get('failure'),
    })
  })
}
