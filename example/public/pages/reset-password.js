// Where a reset link lands: choose the new password (updateRecovery).
import { $, account, flash, onSubmit, say, takeQuery } from '../app.js'

const query = takeQuery()
const userId = query.get('userId')
const secret = query.get('secret')
const form = $('#reset-form')

if (!userId || !secret) {
  say(form.querySelector('[role="alert"]'), 'This page needs the link from the password reset email. Ask for a new one below.')
  form.querySelector('button[type="submit"]').disabled = true
}

onSubmit(form, async ({ password, confirm }) => {
  if (password !== confirm) throw new Error('The two passwords differ: type the same new password twice.')
  await account.updateRecovery({ userId, secret, password })
  flash('Your password is changed and your other sessions are signed out. Sign in with the new password.')
  location.assign('/')
  return 'leave'
})
