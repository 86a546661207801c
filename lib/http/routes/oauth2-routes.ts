import type { CookieOptions, NextFunction, Request, Response, Router } from 'express'
import { randomBytes } from 'node:crypto'
import { parse as parseCookies } from 'cookie'
import type { Accounts } from '../../accounts.js'
import { AccountsError, invalidParam } from '../../errors.js'
import { toIdentityModel } from '../../models.js'
import { discardState, failureFromState, STATE_TTL, type OAuth2Context } from '../../oauth2/state-store.js'
import { checkRedirectUrl, withParams } from '../../redirect-url.js'
import { callerOf } from '../caller.js'
import { authOf, needAccount } from '../guards.js'
import { params } from '../params.js'
import type { LimitedRoute } from '../../limits/limit-rules.js'
import { rateLimit } from '../rate-limit.js'
import { APPWRITE_VERSION, toAccountsError } from '../render-error.js'
import { clientContext, cookieSettings, sendJson } from '../respond.js'
import { setSessionCookies } from '../session-cookies.js'

/**
 * OAuth2 sign-in (`GET /account/{sessions,tokens}/oauth2/:provider` → provider →
 * `/account/sessions/oauth2/callback/:provider`) and identities.
 */
export function oauth2Routes(r: Router, accounts: Accounts): void {
  const limit = (route: LimitedRoute) => rateLimit(accounts, route)

  const start = (mode: OAuth2Context['mode']) => async (req: Request, res: Response) => {
    const name = String(req.params.provider)
    await accounts.oauth2.provider(name) // 400 unsupported / 412 not configured, before anything else
    const p = params(req)
    const fallback = `${req.protocol}://${req.host || 'localhost'}/`
    const success = redirectParam(accounts, 'success', p.success ?? fallback, 'project_invalid_success_url')
    const failure = redirectParam(accounts, 'failure', p.failure ?? fallback, 'project_invalid_failure_url')
    const linkAccountId = accounts.oauth2.linkIntent(callerOf(res).auth)
    // Bind the flow to this browser with a cookie the callback must bring back. Only a guest
    // token flow goes unbound: a server (node-appwrite createOAuth2Token) starts it on behalf
    // of a browser that never saw this response.
    const bound = mode === 'session' || linkAccountId !== null
    const binding = bound ? accounts.oauth2.newBinding() : null
    const context: OAuth2Context = { provider: name, mode, success, failure, linkAccountId, binding: binding?.hash ?? null }
    const url = await accounts.oauth2.authorizationUrl(name, context, { scopes: scopesParam(p.scopes), callbackUrl: callbackUrl(req, name) })
    // One cookie per flow (random suffix), so two sign-ins started in two tabs both work.
    if (binding) res.cookie(`${bindingPrefix(accounts)}${randomBytes(4).toString('hex')}`, binding.nonce, bindingCookieOptions(req, STATE_TTL * 1000))
    res.redirect(302, url)
  }
  r.get('/sessions/oauth2/callback/:provider', limit('GET /account/sessions/oauth2/callback'), async (req: Request, res: Response) => {
    const name = String(req.params.provider)
    const query = params(req)
    let context: OAuth2Context | null = null
    try {
      if (typeof query.error === 'string') await discardState(accounts.store, query.state)
      const done = await accounts.oauth2.complete(name, query, callbackUrl(req, name), 'router')
      context = done.context
      checkBrowser(req, res, accounts, context)
      if (context.mode === 'token') {
        const { userId, secret } = await accounts.oauth2.issueToken(done.grant, context)
        return res.redirect(302, withParams(new URL(context.success), { userId, secret }))
      }
      const signIn = await accounts.oauth2.signIn(done.grant, context, clientContext(req, res))
      setSessionCookies(req, res, cookieSettings(accounts), signIn.value, signIn.session.expiresAt)
      res.redirect(302, context.success)
    } catch (err) {
      if (!(err instanceof AccountsError)) throw err
      // Back to the app's failure page, Appwrite-style. Without a trustworthy one (a state
      // that never came from us), the error is shown here instead.
      const target = context?.failure ?? safeRedirect(accounts, failureFromState(query.state))
      if (!target) throw err
      const error = JSON.stringify({ message: err.message, type: err.type, code: err.code })
      res.redirect(302, withParams(new URL(target), { error }))
    }
  })
  r.get('/sessions/oauth2/:provider', limit('GET /account/sessions/oauth2/:provider'), start('session'))
  r.get('/tokens/oauth2/:provider', limit('GET /account/tokens/oauth2/:provider'), start('token'))
  // Appwrite renders errors on the OAuth2 routes as HTML (browsers land on them).
  r.use(['/sessions/oauth2', '/tokens/oauth2'], oauth2ErrorPage)

  r.get('/identities', needAccount(accounts), async (req: Request, res: Response) => {
    const { limit: max, offset, total } = identityQuery(params(req))
    const all = await accounts.listIdentities(authOf(res).account.id)
    sendJson(res, 200, { total: total ? all.length : 0, identities: all.slice(offset, offset + max).map(toIdentityModel) })
  })
  r.delete('/identities/:identityId', needAccount(accounts), async (req: Request, res: Response) => {
    await accounts.deleteIdentity(authOf(res).account.id, String(req.params.identityId))
    res.status(204).end()
  })
}

/** Cookies holding browser-binding nonces between a start and its callback. */
function bindingPrefix(accounts: Accounts): string {
  return `a_oauth2_${accounts.options.project}_`
}

/** The callback must bring back the cookie its start set (see `OAuth2Context.binding`). */
function checkBrowser(req: Request, res: Response, accounts: Accounts, context: OAuth2Context): void {
  if (typeof context.binding !== 'string') return
  const prefix = bindingPrefix(accounts)
  const match = Object.entries(readCookies(req)).find(([name, nonce]) => name.startsWith(prefix) && accounts.oauth2.bindingMatches(context, nonce))
  if (match) res.clearCookie(match[0], bindingCookieOptions(req))
  accounts.oauth2.checkBinding(context, match?.[1])
}

/**
 * HttpOnly, Lax (sent on the provider's top-level redirect back). Path `/`: the callback the
 * browser reaches may be a `callbackUrl` behind a proxy that rewrites the path.
 */
function bindingCookieOptions(req: Request, maxAge?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', ...(maxAge ? { maxAge } : {}) }
}

function readCookies(req: Request): Record<string, string | undefined> {
  const header = req.headers.cookie
  if (!header) return {}
  try {
    return parseCookies(header)
  } catch {
    return {}
  }
}

/** Where the provider sends the browser back: `<origin><mount>/account/sessions/oauth2/callback/<provider>`. */
function callbackUrl(req: Request, provider: string): string {
  return `${req.protocol}://${req.host || 'localhost'}${req.baseUrl}/sessions/oauth2/callback/${encodeURIComponent(provider)}`
}

function redirectParam(accounts: Accounts, param: string, value: unknown, type: 'project_invalid_success_url' | 'project_invalid_failure_url'): string {
  try {
    return checkRedirectUrl(param, value, accounts.options.allowedRedirectOrigins).href
  } catch (err) {
    throw new AccountsError(type, err instanceof AccountsError ? err.message : undefined)
  }
}

function safeRedirect(accounts: Accounts, value: string | null): string | null {
  if (!value) return null
  try {
    return checkRedirectUrl('failure', value, accounts.options.allowedRedirectOrigins).href
  } catch {
    return null
  }
}

function scopesParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  const list = Array.isArray(value) ? value : [value]
  if (list.length > 100 || list.some((s) => typeof s !== 'string' || s.length === 0 || s.length > 4096 || !s.isWellFormed())) {
    throw invalidParam('scopes', 'Value must be an array of at most 100 non-empty strings of at most 4096 chars.')
  }
  return list as string[]
}

/** Appwrite-style `queries[]`: `limit` and `offset` (JSON, e.g. `{"method":"limit","values":[5]}`). */
function identityQuery(p: Record<string, unknown>): { limit: number; offset: number; total: boolean } {
  let limit = 25
  let offset = 0
  const queries = p.queries === undefined ? [] : Array.isArray(p.queries) ? p.queries : [p.queries]
  for (const raw of queries) {
    let q: { method?: unknown; values?: unknown }
    try {
      q = JSON.parse(String(raw)) as typeof q
    } catch {
      throw new AccountsError('general_query_invalid', 'Invalid query: not JSON.')
    }
    if (typeof q !== 'object' || q === null) throw new AccountsError('general_query_invalid', 'Invalid query: expected a JSON object.')
    const n = Array.isArray(q.values) ? q.values[0] : undefined
    const valid = typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 5000
    if (q.method === 'limit' && valid) limit = n as number
    else if (q.method === 'offset' && valid) offset = n as number
    else throw new AccountsError('general_query_invalid', `Invalid query: ${String(q.method)}. Identities take limit and offset.`)
  }
  return { limit, offset, total: p.total !== 'false' && p.total !== false }
}

function oauth2ErrorPage(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent || req.accepts(['json', 'html']) !== 'html') return next(err)
  const e = toAccountsError(err)
  if (e.type === 'general_unknown') console.error('express-accounts: OAuth2 request failed', err)
  const text = (v: string) => v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  if (e.headers) res.set(e.headers) // a 503's Retry-After
  res.status(e.code).type('html').send(
    `<!doctype html><meta charset="utf-8"><title>${text(e.type)}</title><h1>${e.code} ${text(e.type)}</h1><p>${text(e.message)}</p><p><small>Appwrite-compatible error, version ${APPWRITE_VERSION}</small></p>`,
  )
}
