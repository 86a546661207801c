import { AccountsError } from '../errors.js'

/** Appwrite's list queries a log or identity list takes. */
export interface ListQueries {
  /** 0–5000, default 25 (Appwrite's). */
  limit: number
  offset: number
  /** List only what comes after this id, in list order; null = from the start. */
  cursorAfter: string | null
}

const MAX_QUERIES = 100

/**
 * Parses Appwrite `queries[]`: each a JSON string (as the SDKs send, e.g.
 * `{"method":"limit","values":[5]}`) or the parsed object. Only `limit`, `offset` and
 * `cursorAfter` are understood; anything else is `400 general_query_invalid`.
 */
export function parseListQueries(queries: unknown): ListQueries {
  const out: ListQueries = { limit: 25, offset: 0, cursorAfter: null }
  if (queries === undefined || queries === null) return out
  const list = Array.isArray(queries) ? queries : [queries]
  if (list.length > MAX_QUERIES) throw new AccountsError('general_query_invalid', `Invalid query: at most ${MAX_QUERIES} queries are allowed.`)
  for (const raw of list) {
    let q: unknown = raw
    if (typeof raw === 'string') {
      try {
        q = JSON.parse(raw)
      } catch {
        throw new AccountsError('general_query_invalid', 'Invalid query: not JSON.')
      }
    }
    if (typeof q !== 'object' || q === null) throw new AccountsError('general_query_invalid', 'Invalid query: expected a JSON object.')
    const { method, values } = q as { method?: unknown; values?: unknown }
    const first = Array.isArray(values) && values.length === 1 ? values[0] : undefined
    const count = typeof first === 'number' && Number.isInteger(first) && first >= 0 && first <= 5000
    if (method === 'limit' && count) out.limit = first as number
    else if (method === 'offset' && count) out.offset = first as number
    else if (method === 'cursorAfter' && typeof first === 'string' && first.length > 0 && first.length <= 64 && first.isWellFormed()) out.cursorAfter = first
    else throw new AccountsError('general_query_invalid', `Invalid query: ${String(method)}. Only limit, offset and cursorAfter are supported here.`)
  }
  return out
}

/** The page `queries` select from `items` (in list order); `total` counts them all. */
export function pageOf<T extends { id: string }>(items: readonly T[], q: ListQueries): T[] {
  let start = 0
  if (q.cursorAfter !== null) {
    const at = items.findIndex((item) => item.id === q.cursorAfter)
    if (at === -1) throw new AccountsError('general_query_invalid', `Invalid query: cursor "${q.cursorAfter}" was not found.`)
    start = at + 1
  }
  return items.slice(start + q.offset, start + q.offset + q.limit)
}
