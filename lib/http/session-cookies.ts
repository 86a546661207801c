import type { CookieOptions, Request, Response } from 'express'
import type { SameSite } from '../options.js'
import { sessionCookieName } from './carriers.js'
import { warnSameSiteNoneOverHttp } from './insecure-cookie-warning.js'

export interface CookieSettings {
  project: string
  sameSite: SameSite
  /** Whose warnings these are (warned once per account system). */
  owner: object
}

function baseOptions(req: Request, expires: Date): CookieOptions {
  // Host-only cookies (no Domain attribute): a mounted router does not know which parent
  // domain the host app wants to share the session with, and host-only is the safer default.
  return { httpOnly: true, path: '/', secure: req.secure, expires }
}

/**
 * Sets `a_session_<project>` and its `_legacy` twin (no SameSite, for old browsers), and
 * `X-Fallback-Cookies` for callers that cannot keep the cookie (Node, cross-site).
 */
export function setSessionCookies(req: Request, res: Response, s: CookieSettings, value: string, expiresAt: number): void {
  const name = sessionCookieName(s.project)
  const expires = new Date(expiresAt)
  // SameSite=None is only honoured with Secure; on plain http fall back to Lax.
  const sameSite = s.sameSite === 'none' && !req.secure ? 'lax' : s.sameSite
  if (s.sameSite === 'none') warnSameSiteNoneOverHttp(s.owner, req)
  res.cookie(name, value, { ...baseOptions(req, expires), sameSite })
  // The legacy twin exists for old browsers that reject `SameSite=None`; it goes without the
  // attribute only then. With Lax or Strict configured it carries the same attribute, or a
  // cookie without SameSite would reopen the cross-site requests the setting closes.
  res.cookie(`${name}_legacy`, value, sameSite === 'none' ? baseOptions(req, expires) : { ...baseOptions(req, expires), sameSite })
  if (!isDomainVerified(req)) res.set('X-Fallback-Cookies', JSON.stringify({ [name]: value }))
}

/** Expires both cookies (value `deleted`, as Appwrite writes) and empties the fallback store. */
export function clearSessionCookies(req: Request, res: Response, s: CookieSettings): void {
  const name = sessionCookieName(s.project)
  const past = new Date(0)
  res.cookie(name, 'deleted', baseOptions(req, past))
  res.cookie(`${name}_legacy`, 'deleted', baseOptions(req, past))
  if (!isDomainVerified(req)) res.set('X-Fallback-Cookies', '[]')
}

/**
 * Appwrite sends the fallback header unless the Origin (or Referer) is on the API's own
 * domain. Without an Origin (server SDKs, curl) a request is never verified. We compare
 * hostnames: equal, or one a subdomain of the other.
 */
function isDomainVerified(req: Request): boolean {
  const from = req.headers.origin ?? req.headers.referer
  if (!from) return false
  let originHost: string
  try {
    originHost = new URL(from).hostname
  } catch {
    return false
  }
  const host = req.hostname
  if (!host) return false
  return originHost === host || originHost.endsWith(`.${host}`) || host.endsWith(`.${originHost}`)
}
