import { invalidParam, missingParam } from './errors.js'

/**
 * Redirect targets (magic links, recovery and verification links, OAuth2 success/failure)
 * must be absolute http(s) URLs on an allowed origin or a loopback host. Anything else —
 * no scheme, `javascript:`, `data:`, a foreign host — is refused, so a link we mail out can
 * never carry a secret to someone else's site (open redirect / token leak).
 */
export function checkRedirectUrl(param: string, value: unknown, allowedOrigins: readonly string[]): URL {
  if (value === undefined || value === null) throw missingParam(param)
  if (typeof value !== 'string' || value.length > 2048) throw invalidParam(param, 'Value must be a valid URL.')
  // The URL parser would quietly turn a lone surrogate into U+FFFD: refuse it like any input.
  if (!value.isWellFormed()) throw invalidParam(param, 'Value must be a valid URL: it contains a lone UTF-16 surrogate.')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalidParam(param, 'Value must be a valid URL with a scheme, e.g. https://app.example.com/callback.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParam(param, 'URL scheme must be http or https.')
  }
  if (url.username || url.password) throw invalidParam(param, 'URL must not contain credentials.')
  if (!isLoopback(url.hostname) && !allowedOrigins.includes(url.origin)) {
    const hosts = ['localhost', ...allowedOrigins.map((o) => new URL(o).host)].join(', ')
    throw invalidParam(param, `URL host must be one of: ${hosts}`)
  }
  return url
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === '[::1]') return true
  return /^127(?:\.\d{1,3}){3}$/.test(host)
}

/** Appends query parameters to a link without disturbing the ones it already has. */
export function withParams(url: URL, params: Record<string, string>): string {
  const link = new URL(url.href)
  for (const [key, value] of Object.entries(params)) link.searchParams.set(key, value)
  return link.href
}
