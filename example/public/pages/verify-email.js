// Where a verification link lands: confirm the address (updateEmailVerification).
import { $, account, explain, say, takeQuery } from '../app.js'

const query = takeQuery()
const userId = query.get('userId')
const secret = query.get('secret')
const status = $('#verify-status')

if (!userId || !secret) {
  say(status, '')
  say($('#verify-alert'), 'This page needs the link from the verification email. Your account page can send a new one.')
} else {
  try {
    await account.updateEmailVerification({ userId, secret })
    say(status, 'Your email address is verified. Thank you!')
    $('#verify-continue').hidden = false
  } catch (err) {
    say(status, '')
    // Only the account's own session may confirm (a link opened elsewhere could verify a
    // squatter's account): the link is still good once the reader has signed in.
    if (err?.type === 'user_unauthorized') say($('#verify-alert'), 'Sign in to the account first, then open the link from the email again.')
    else say($('#verify-alert'), `Verification failed: ${explain(err)} Your account page can send a new link.`)
  }
}
