// Where a magic link lands: trade its userId + secret for a session, then on to the account
// (or to the two-step challenge when the account asks for one).
import { $, account, explain, finishSignIn, say, takeQuery } from '../app.js'

const query = takeQuery()
const userId = query.get('userId')
const secret = query.get('secret')
const status = $('#magic-status')
const failed = (text) => {
  say(status, '')
  say($('#magic-alert'), text)
  $('#magic-actions').hidden = false
}

if (!userId || !secret) {
  failed('This page needs the link from your sign-in email: open the link in the email, or ask for a new one.')
} else {
  try {
    await account.createSession({ userId, secret })
    say(status, 'Signed in. Taking you to your account…')
    await finishSignIn()
  } catch (err) {
    if (err && err.type === 'user_session_already_exists') {
      say(status, 'You were already signed in, so the link was not used.')
      $('#magic-continue').hidden = false
    } else {
      failed(`Sign-in failed: ${explain(err)}`)
    }
  }
}
