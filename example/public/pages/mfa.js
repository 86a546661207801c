// Two-step sign-in settings: the authenticator app (QR code from /mfa/qr), recovery codes, the switch.
import { $, account, config, flash, onClick, onSubmit, say } from '../app.js'

/** The otpauth:// URI as a QR code, drawn by this app's server (never a third-party service). */
async function qrCode(uri) {
  const res = await fetch('/mfa/qr', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uri }),
    credentials: 'same-origin',
  })
  const body = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`)
  if (typeof body.dataUrl !== 'string' || !body.dataUrl.startsWith('data:image/png;base64,')) throw new Error('unexpected QR code answer')
  return body.dataUrl
}

const reloadWith = (text) => {
  flash(text)
  location.reload()
  return 'leave'
}

onClick($('#totp-start'), $('#totp-alert'), async () => {
  const { secret, uri } = await account.createMFAAuthenticator({ type: 'totp' })
  $('#totp-qr').src = await qrCode(uri)
  say($('#totp-secret'), secret)
  $('#totp-start-row').hidden = true
  $('#totp-setup').hidden = false
  $('#totp-verify-otp').focus()
})

onSubmit($('#totp-verify'), async ({ otp }) => {
  await account.updateMFAAuthenticator({ type: 'totp', otp: otp.trim() })
  return reloadWith(config.enabled ? 'Authenticator app active.' : 'Authenticator app active. Turn two-step sign-in on to ask for it at every sign-in.')
})

onClick($('#totp-remove'), $('#totp-alert'), async () => {
  await account.deleteMFAAuthenticator({ type: 'totp' })
  return reloadWith('Authenticator app removed.')
})

function showCodes(codes) {
  const list = $('#recovery-codes')
  list.replaceChildren(
    ...codes.map((code) => {
      const item = document.createElement('li')
      item.textContent = code
      return item
    }),
  )
  list.hidden = false
  say($('#recovery-status'), 'Write these codes down or keep them in a password manager now: they are not shown again.')
}

onClick($('#recovery-create'), $('#recovery-alert'), async () => {
  const { recoveryCodes } = await account.createMFARecoveryCodes()
  showCodes(recoveryCodes)
  $('#recovery-create').hidden = true
})

onClick($('#recovery-regenerate'), $('#recovery-alert'), async () => {
  const { recoveryCodes } = await account.updateMFARecoveryCodes()
  showCodes(recoveryCodes)
})

onSubmit($('#mfa-toggle'), async () => {
  const updated = await account.updateMFA({ mfa: !config.enabled })
  return reloadWith(`Two-step sign-in is ${updated.mfa ? 'on' : 'off'}.`)
})
