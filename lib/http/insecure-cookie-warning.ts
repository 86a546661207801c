/**
 * One warning (per account system and kind, never per request) when a cookie the sign-in
 * depends on cannot work over the plain-http request that is setting it. The browser drops a
 * `Secure` cookie sent over http without a word, so the symptom is a sign-in that "succeeds"
 * and lands back on the login page, while every retry leaves a live Session record behind.
 */
import type { Request } from 'express'

const warned = new WeakMap<object, Set<string>>()

function warnOnce(owner: object, code: string, message: string): void {
  let codes = warned.get(owner)
  if (!codes) warned.set(owner, (codes = new Set()))
  if (codes.has(code)) return
  codes.add(code)
  process.emitWarning(message, { code })
}

const PROXY_HINT = 'If a TLS-terminating proxy is in front, set app.set(\'trust proxy\', …) so that req.secure is true (docs/production.md).'

/** `cookieSameSite: 'none'` needs `Secure`; over plain http the session cookie falls back to `SameSite=Lax`. */
export function warnSameSiteNoneOverHttp(owner: object, req: Request): void {
  if (req.secure) return
  warnOnce(owner, 'EXPRESS_ACCOUNTS_INSECURE_COOKIE',
    `express-accounts: cookieSameSite is 'none', but ${req.method} ${req.originalUrl} came over plain http (req.secure is false): SameSite=None needs a Secure cookie, so the session cookie falls back to SameSite=Lax and cross-site pages won't send it. ${PROXY_HINT}`)
}

/**
 * express-session's `cookie.secure: true` over plain http: express-session does not send the
 * cookie at all, so the passport login is lost at the next request.
 */
export function warnSecureSessionCookieOverHttp(owner: object, req: Request): void {
  if (req.secure) return
  const cookie = (req as Request & { session?: { cookie?: { secure?: unknown } } }).session?.cookie
  if (cookie?.secure !== true) return
  warnOnce(owner, 'EXPRESS_ACCOUNTS_INSECURE_COOKIE',
    `express-accounts: a passport sign-in on ${req.method} ${req.originalUrl} came over plain http, but express-session's cookie.secure is true: the browser gets no session cookie and the sign-in is lost at the next request. Use cookie.secure: 'auto' (Secure on https only), or serve over https. ${PROXY_HINT}`)
}
