// The security log page: account.listLogs() with Query.limit / Query.offset, newest first.
import { $, account, explain, formatDate } from '../app.js'

const PAGE = 25
const EVENTS = {
  'user.create': 'Account created',
  'session.fail': 'Failed sign-in',
  'session.delete': 'Signed out',
  'sessions.delete': 'Signed out of other sessions',
  'session.evict': 'Oldest session ended (too many sessions)',
  'user.update.password': 'Password changed',
  'user.update.email': 'Email changed',
  'user.update.phone': 'Phone changed',
  'user.update.name': 'Name changed',
  'user.update.prefs': 'Preferences changed',
  'user.update.mfa': 'Two-step sign-in changed',
  'recovery.create': 'Password reset requested',
  'recovery.update': 'Password reset',
  'verification.create': 'Verification requested',
  'verification.update': 'Email or phone verified',
  'token.create': 'Sign-in code or link requested',
  'jwt.create': 'Access token created',
  'user.block': 'Account blocked',
  'user.unblock': 'Account unblocked',
}

function what(event) {
  if (event.startsWith('session.create.')) return `Signed in (${event.slice('session.create.'.length)})`
  return EVENTS[event] || event
}

function from(log) {
  const client = [log.clientName, log.clientVersion].filter(Boolean).join(' ') || 'Unknown app'
  const os = [log.osName, log.osVersion].filter(Boolean).join(' ')
  return os ? `${client} on ${os}` : client
}

let offset = 0
const body = $('#logs')

function row(log) {
  const tr = document.createElement('tr')
  for (const text of [formatDate(log.time), what(log.event), from(log), log.ip || 'unknown']) {
    const td = document.createElement('td')
    td.textContent = text
    tr.append(td)
  }
  tr.dataset.event = log.event
  return tr
}

async function load(more) {
  try {
    const { total, logs } = await account.listLogs({ queries: [`{"method":"limit","values":[${PAGE}]}`, `{"method":"offset","values":[${offset}]}`] })
    if (!more) body.replaceChildren()
    body.append(...logs.map(row))
    offset += logs.length
    $('#logs-table').removeAttribute('aria-busy')
    $('#logs-count').textContent = total === 1 ? '1 entry' : `${total} entries`
    $('#logs-more').hidden = offset >= total
  } catch (err) {
    $('#logs-alert').textContent = explain(err)
  }
}

$('#logs-more').addEventListener('click', () => load(true))
load(false)
