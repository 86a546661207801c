// The account page: everything read with account.get() and changed with the SDK's update calls.
import { $, account, formatDate, onClick, onSubmit, say } from '../app.js'

let user = null
const hasPassword = () => Boolean(user && user.passwordUpdate)

function setLabel(input, text) {
  document.querySelector(`label[for="${input.id}"]`).textContent = text
}

function badge(element, verified, present) {
  element.hidden = !present
  element.textContent = verified ? 'Verified' : 'Not verified'
  element.className = verified ? 'badge badge-success' : 'badge badge-muted'
}

function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme
  else delete document.documentElement.dataset.theme
}

function show(next) {
  user = next
  const display = user.name || user.email || user.phone || 'Guest account'
  for (const element of document.querySelectorAll('[data-user-name]')) element.textContent = display
  // A guest (anonymous) account has no email, phone or password: offer to keep it instead.
  const guest = !user.email && !user.phone && !hasPassword()
  $('#guest-notice').hidden = !guest
  for (const section of document.querySelectorAll('[data-needs-owner]')) section.hidden = guest

  $('#verify-notice').hidden = !(user.email && !user.emailVerification)
  say($('#unverified-email'), user.email)

  $('#name-form').elements.name.value = user.name
  say($('#email-current'), user.email || 'none')
  badge($('#email-badge'), user.emailVerification, Boolean(user.email))
  say($('#phone-current'), user.phone || 'none')
  badge($('#phone-badge'), user.phoneVerification, Boolean(user.phone))

  // Without a password yet, the one typed with a new email or phone becomes it.
  for (const form of [$('#email-form'), $('#phone-form')]) {
    const input = form.elements.password
    setLabel(input, hasPassword() ? 'Current password' : 'Choose a password')
    input.autocomplete = hasPassword() ? 'current-password' : 'new-password'
    say($(`#${input.id}-hint`), hasPassword() ? 'Confirms it is you.' : 'Your account has no password yet: this one becomes it.')
  }
  const oldPassword = $('#password-form').elements.oldPassword
  $('#old-password-field').hidden = !hasPassword()
  oldPassword.disabled = !hasPassword()
  say($('#password-state'), hasPassword() ? `Last changed ${formatDate(user.passwordUpdate)}.` : 'No password yet: you sign in with codes or links. Set one to sign in with it too.')

  const prefs = user.prefs || {}
  $('#prefs-form').elements.theme.value = prefs.theme === 'light' || prefs.theme === 'dark' ? prefs.theme : 'system'
  $('#prefs-form').elements.newsletter.checked = prefs.newsletter === true
  applyTheme(prefs.theme)

  say($('#account-id'), user.$id)
  say($('#account-created'), formatDate(user.registration))
  say($('#account-mfa'), user.mfa ? 'On' : 'Off')
}

onSubmit($('#upgrade-form'), async ({ email, password }, form) => {
  show(await account.updateEmail({ email: email.trim(), password }))
  form.reset()
  say($('#page-status'), `Your account is kept: sign in with ${user.email} and your password from now on.`)
})

onSubmit($('#name-form'), async ({ name }) => {
  show(await account.updateName({ name: name.trim() }))
  say($('#name-status'), 'Name saved.')
})

onSubmit($('#email-form'), async ({ email, password }, form) => {
  show(await account.updateEmail({ email: email.trim(), password }))
  form.reset()
  say($('#email-status'), `Email changed to ${user.email}.`)
})

onSubmit($('#phone-form'), async ({ phone, password }, form) => {
  show(await account.updatePhone({ phone: phone.trim(), password }))
  form.reset()
  say($('#phone-status'), `Phone number changed to ${user.phone}.`)
})

onSubmit($('#password-form'), async ({ password, oldPassword }, form) => {
  const had = hasPassword()
  show(await account.updatePassword(had ? { password, oldPassword } : { password }))
  form.reset()
  say($('#password-status'), had ? 'Password changed. Your other sessions are signed out.' : 'Password set. You can now sign in with it.')
})

onSubmit($('#prefs-form'), async ({ theme, newsletter }) => {
  const prefs = { ...(user.prefs || {}), theme, newsletter: newsletter === 'on' }
  show(await account.updatePrefs({ prefs }))
  say($('#prefs-status'), 'Preferences saved.')
})

onClick($('#send-verification'), $('#verify-alert'), async () => {
  await account.createEmailVerification({ url: `${location.origin}/verify-email` })
  say($('#verify-status'), `We sent a verification link to ${user.email}. It works for 7 days.`)
})

try {
  show(await account.get())
} catch (err) {
  say($('#page-alert'), `Could not load your account: ${err && err.message ? err.message : err}`)
}
