// Ask for a magic link; it lands on /magic in this browser.
import { $, ID, account, onSubmit, say } from '../app.js'

onSubmit($('#link-form'), async ({ email }) => {
  email = email.trim()
  await account.createMagicURLToken({ userId: ID.unique(), email, url: `${location.origin}/magic` })
  say($('#link-status'), `Check your email: we sent a sign-in link to ${email}. Open it in this browser; it works for an hour.`)
})
