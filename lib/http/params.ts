import type { Request } from 'express'
import qs from 'qs'

/**
 * Request parameters: the query string for GET (parsed with `qs`, so the SDKs'
 * `queries[0]=…` / `scopes[0]=…` arrays arrive as arrays whatever the host app's
 * `query parser` setting is), the JSON or form body otherwise.
 */
export function params(req: Request): Record<string, unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const i = req.originalUrl.indexOf('?')
    if (i < 0) return {}
    return qs.parse(req.originalUrl.slice(i + 1), { arrayLimit: 100, depth: 2, parameterLimit: 200 }) as Record<string, unknown>
  }
  const body: unknown = req.body
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
}
