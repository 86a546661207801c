// The sessions page: listSessions(), deleteSession() one by one, deleteSessions() for all.
import { $, account, explain, flash, formatDate, onClick, say } from '../app.js'

const list = $('#sessions')
const alertRegion = $('#sessions-alert')
const status = $('#sessions-status')

const PROVIDERS = {
  email: 'email and password',
  anonymous: 'a guest account',
  'magic-url': 'an email link',
  token: 'an email code',
  phone: 'a text message code',
}

function title(s) {
  const client = [s.clientName, s.clientVersion].filter(Boolean).join(' ') || 'Unknown app'
  const os = [s.osName, s.osVersion].filter(Boolean).join(' ')
  return os ? `${client} on ${os}` : client
}

function device(s) {
  const kind = s.deviceName ? s.deviceName[0].toUpperCase() + s.deviceName.slice(1) : 'Unknown device'
  const model = [s.deviceBrand, s.deviceModel].filter(Boolean).join(' ')
  return model ? `${kind}, ${model}` : kind
}

function render(s) {
  const item = $('#session-template').content.firstElementChild.cloneNode(true)
  const field = (name) => item.querySelector(`[data-field="${name}"]`)
  const name = title(s)
  field('title').textContent = name
  field('current').hidden = !s.current
  field('device').textContent = device(s)
  field('ip').textContent = s.ip || 'unknown'
  field('signedIn').textContent = `${formatDate(s.$createdAt)} with ${PROVIDERS[s.provider] || s.provider}`
  field('expires').textContent = formatDate(s.expire)
  const mobile = ['smartphone', 'tablet', 'phablet', 'feature phone'].includes(s.deviceName)
  item.querySelector('[data-device-icon]').append($(mobile ? '#icon-phone' : '#icon-desktop').content.cloneNode(true))
  item.dataset.sessionId = s.$id
  if (s.current) item.dataset.current = 'true'

  const revoke = field('revoke')
  revoke.setAttribute('aria-label', s.current ? `Sign out of this device (${name})` : `Sign out ${name}, ${s.ip || 'unknown IP'}`)
  onClick(revoke, alertRegion, async () => {
    await account.deleteSession({ sessionId: s.$id })
    if (s.current) {
      flash('You are signed out.')
      location.assign('/')
      return 'leave'
    }
    say(status, `Signed out ${name}.`)
    await load()
  })
  return item
}

async function load() {
  const { total, sessions } = await account.listSessions()
  // This device first, then the newest.
  sessions.sort((a, b) => Number(b.current) - Number(a.current) || b.$createdAt.localeCompare(a.$createdAt))
  list.replaceChildren(...sessions.map(render))
  list.removeAttribute('aria-busy')
  say($('#sessions-count'), total === 1 ? '1 session' : `${total} sessions`)
  $('#revoke-others').disabled = sessions.every((s) => s.current)
}

onClick($('#revoke-others'), alertRegion, async () => {
  const { sessions } = await account.listSessions()
  const others = sessions.filter((s) => !s.current)
  for (const s of others) await account.deleteSession({ sessionId: s.$id })
  say(status, others.length === 1 ? 'Signed out 1 other session.' : `Signed out ${others.length} other sessions.`)
  await load()
})

onClick($('#sign-out-everywhere'), alertRegion, async () => {
  await account.deleteSessions()
  flash('You are signed out everywhere.')
  location.assign('/')
  return 'leave'
})

try {
  await load()
} catch (err) {
  say(alertRegion, `Could not list the sessions: ${explain(err)}`)
}
