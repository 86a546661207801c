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

/**
 * Reads the session value in Appwrite's order: cookie, legacy cookie, `X-Appwrite-Session`,
 * `X-Fallback-Cookies`. The first source that decodes to an id or secret wins even when it
 * turns out wrong (the caller is then a guest); an undecodable one falls through.
 */
export function readSessionCarrier(req: Request, project: string): FoundCarrier | null {
  const name = sessionCookieName(project)
  const header = req.headers.cookie
  if (header) {
    let cookies: Record<string, string | undefined> = {}
    try {
      cookies = parseCookies(header)
    } catch {
      cookies = {}
    }
    const main = readSessionValue(cookies[name])
    if (main) return { value: main, source: 'cookie' }
    const legacy = readSessionValue(cookies[`${name}_legacy`])
    if (legacy) return { value: legacy, source: 'legacy-cookie' }
  }
  const sessionHeader = readSessionValue(single(req.headers['x-appwrite-session']))
  if (sessionHeader) return { value: sessionHeader, source: 'header' }
  const fallback = single(req.headers['x-fallback-cookies'])
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
  const header = single(req.headers['x-appwrite-jwt'])
  if (header) return header
  const authorization = single(req.headers.authorization)
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null
  return match ? match[1] : null
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
