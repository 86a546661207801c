// Email or SMS code: ask for the address, then trade the 6-digit code for a session.
import { $, ID, account, finishSignIn, onSubmit, say } from '../app.js'

const requestForm = $('#request-form')
const verifyForm = $('#verify-form')
const byPhone = Boolean(requestForm.elements.phone)
const addressInput = requestForm.elements[byPhone ? 'phone' : 'email']
let userId = null

onSubmit(requestForm, async () => {
  const address = addressInput.value.trim()
  const token = byPhone
    ? await account.createPhoneToken({ userId: ID.unique(), phone: address })
    : await account.createEmailToken({ userId: ID.unique(), email: address })
  userId = token.userId
  say($('#sent'), `We sent a 6-digit code to ${address}. It works for 15 minutes.`)
  requestForm.hidden = true
  verifyForm.hidden = false
  verifyForm.elements.code.focus()
})

onSubmit(verifyForm, async ({ code }) => {
  await account.createSession({ userId, secret: code.trim() })
  return finishSignIn()
})

$('#restart').addEventListener('click', () => {
  verifyForm.reset()
  say(verifyForm.querySelector('[role="alert"]'), '')
  verifyForm.hidden = true
  requestForm.hidden = false
  addressInput.focus()
})
