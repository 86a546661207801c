// Ask for a password reset link; it lands on /reset-password.
import { $, account, onSubmit, say } from '../app.js'

onSubmit($('#forgot-form'), async ({ email }) => {
  email = email.trim()
  await account.createRecovery({ email, url: `${location.origin}/reset-password` })
  // The same answer whether or not the address has an account.
  say($('#forgot-status'), `If an account uses ${email}, a link to choose a new password is on its way. It works for an hour.`)
})
