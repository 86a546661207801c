import type { IncomingHttpHeaders } from 'node:http'
import type { Request } from 'express'
import { parse as parseCookies } from 'cookie'
import { readSessionValue, type SessionValue } from '../session-value.js'

export type CarrierSource = 'cookie' | 'legacy-cookie' | 'header' | 'fallback-cookies' | 'jwt'

export interface FoundCarrier {
  /** Shared and frozen (see readSessionValue). */
  value: Readonly<SessionValue>
  source: CarrierSource
}

export function sessionCookieName(project: string): string {
  return `a_session_${project}`
}

/** The cookie names of the last project asked for: one project per process, not a new string per request. */
let names = namesOf('')
function cookieNames(project: string): typeof names {
  if (names.project !== project) names = namesOf(project)
  return names
}
function namesOf(project: string) {
  const main = sessionCookieName(project)
  return { project, main, legacy: `${main}_legacy` }
}

/**
 * Reads the session value from a request's headers in Appwrite's order: cookie, legacy cookie,
 * `X-Appwrite-Session`, `X-Fallback-Cookies`. The first source that decodes to an id or secret
 * wins even when it turns out wrong (the caller is then a guest); an undecodable one falls
 * through. Takes the headers, not the request: `req.headers` is an accessor on
 * IncomingMessage's prototype, and each Express 5 request has a hidden class of its own (see
 * request-properties.ts), so every read of it is a lookup up the prototype chain: the hot path
 * reads it once and hands the object on.
 */
export function sessionCarrierIn(headers: IncomingHttpHeaders, project: string): FoundCarrier | null {
  const { main: name, legacy: legacyName } = cookieNames(project)
  const header = headers.cookie
  if (header) {
    let cookies: Record<string, string | undefined> = {}
    try {
      cookies = parseCookies(header)
    } catch {
      cookies = {}
    }
    const main = readSessionValue(cookies[name])
    if (main) return { value: main, source: 'cookie' }
    const legacy = readSessionValue(cookies[legacyName])
    if (legacy) return { value: legacy, source: 'legacy-cookie' }
  }
  const sessionHeader = readSessionValue(single(headers['x-appwrite-session']))
  if (sessionHeader) return { value: sessionHeader, source: 'header' }
  const fallback = single(headers['x-fallback-cookies'])
  if (fallback && fallback.length <= 8192) {
    try {
      const parsed: unknown = JSON.parse(fallback)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const raw = (parsed as Record<string, unknown>)[name]
        const value = typeof raw === 'string' ? readSessionValue(raw) : null
        if (value) return { value, source: 'fallback-cookies' }
      }
    } catch {
      // not JSON: no session from this source
    }
  }
  return null
}

/** A JWT from `X-Appwrite-JWT`, else `Authorization: Bearer <jwt>`. */
export function readJwt(req: Request): string | null {
  return jwtIn(req.headers)
}

/** {@link readJwt} from the request's headers. */
export function jwtIn(headers: IncomingHttpHeaders): string | null {
  const header = single(headers['x-appwrite-jwt'])
  if (header) return header
  const authorization = single(headers.authorization)
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null
  return match ? match[1] : null
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
