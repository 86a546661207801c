// Sign up with email and password, sign in, and send the first verification email.
import { $, ID, account, finishSignIn, flash, onSubmit } from '../app.js'

onSubmit($('#sign-up-form'), async ({ name, email, password }) => {
  email = email.trim()
  await account.create({ userId: ID.unique(), email, password, name: name.trim() || undefined })
  await account.createEmailPasswordSession({ email, password })
  try {
    await account.createEmailVerification({ url: `${location.origin}/verify-email` })
    flash(`Welcome! We sent a link to ${email} to verify the address.`)
  } catch {
    // The account page offers to send it again.
    flash('Welcome!')
  }
  return finishSignIn()
})
