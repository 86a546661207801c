// The second step of a gated sign-in: pick a factor, then answer the challenge.
import { $, account, finishSignIn, onSubmit, say } from '../app.js'

const start = $('#challenge-start')
const verify = $('#challenge-verify')
const LABELS = { totp: 'Code from your authenticator app', email: 'Code from the email', phone: 'Code from the text message', recoveryCode: 'Recovery code' }
const PROMPTS = {
  totp: 'Open your authenticator app and type the 6-digit code it shows.',
  email: 'We emailed you a 6-digit code.',
  phone: 'We texted you a 6-digit code.',
  recoveryCode: 'Type one of your recovery codes. Each one works once.',
}
let challengeId = null

onSubmit(start, async ({ factor }) => {
  if (!factor) throw new Error('Choose how to confirm it is you.')
  challengeId = (await account.createMFAChallenge({ factor })).$id
  $('label[for="challenge-verify-otp"]').textContent = LABELS[factor] || 'Code'
  say($('#challenge-status'), PROMPTS[factor] || '')
  start.hidden = true
  verify.hidden = false
  verify.elements.otp.focus()
})

onSubmit(verify, async ({ otp }) => {
  await account.updateMFAChallenge({ challengeId, otp: otp.trim() })
  return finishSignIn()
})

$('#challenge-restart')?.addEventListener('click', () => {
  verify.reset()
  say(verify.querySelector('[role="alert"]'), '')
  verify.hidden = true
  start.hidden = false
  start.querySelector('input[name="factor"]:checked')?.focus()
})
