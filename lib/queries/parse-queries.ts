import { AccountsError, invalidParam } from '../errors.js'
import { searchWords } from '../store/account-index.js'
import { TOTAL_CAP, type ListFilter, type ListQuery, type QueryValue } from '../store/account-query.js'

/** Appwrite's `APP_LIMIT_ARRAY_PARAMS_SIZE`: queries per request, and values per query. */
export const MAX_QUERIES = 100
/** Appwrite's page size when no `limit` query is given. */
export const DEFAULT_LIMIT = 25
/** Appwrite's `search` param: a text of at most 256 characters. */
export const MAX_SEARCH_LENGTH = 256

/** What an attribute holds: which filters it takes and how its values are read. */
export type Kind = 'string' | 'boolean' | 'datetime' | 'labels'

/**
 * The attributes a listing understands: each one's kind, the ones Appwrite stores as null when
 * absent (the only ones `isNull` / `isNotNull` take), and the ones it can't be ordered by.
 */
export interface QuerySchema<A extends string> {
  kinds: Readonly<Record<A, Kind>>
  nullable: readonly A[]
  unordered: readonly A[]
}

/** Which filters each kind of attribute takes. */
const METHODS: Record<Kind, readonly string[]> = {
  string: ['equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between', 'startsWith', 'isNull', 'isNotNull'],
  datetime: ['equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between', 'isNull', 'isNotNull'],
  boolean: ['equal', 'notEqual'],
  labels: ['contains'],
}

const bad = (why: string): AccountsError => invalidParam('queries', `Invalid query: ${why}`)

interface RawQuery { method: string; attribute: unknown; values: unknown[] }

/** One query string as the SDKs' `Query` class writes it: `{"method","attribute","values"}` JSON. */
function readQuery(text: unknown): RawQuery {
  if (typeof text !== 'string') throw bad('Query must be a string')
  let q: unknown
  try {
    q = JSON.parse(text)
  } catch {
    throw new AccountsError('general_query_invalid', `Invalid query: ${text.slice(0, 200)}`)
  }
  if (!q || typeof q !== 'object' || Array.isArray(q)) throw new AccountsError('general_query_invalid', 'Invalid query: not an object')
  const { method, attribute, values } = q as Record<string, unknown>
  if (typeof method !== 'string') throw new AccountsError('general_query_invalid', 'Invalid query method: method must be a string')
  if (values !== undefined && !Array.isArray(values)) throw new AccountsError('general_query_invalid', 'Invalid query values')
  return { method, attribute, values: (values as unknown[] | undefined) ?? [] }
}

function attributeOf<A extends string>(schema: QuerySchema<A>, q: RawQuery): A {
  const a = q.attribute
  if (typeof a !== 'string' || !Object.hasOwn(schema.kinds, a)) {
    throw bad(`Attribute not found in schema: ${String(a)}`)
  }
  return a as A
}

/** A filter value checked against its attribute's type; datetimes become epoch ms. */
function queryValue(kind: Kind, attribute: string, v: unknown): QueryValue {
  if (kind === 'boolean' && typeof v === 'boolean') return v
  if ((kind === 'string' || kind === 'labels') && typeof v === 'string') return v
  if (kind === 'datetime' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    // A datetime without an offset is UTC, as Appwrite reads it.
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) || !v.includes('T') ? v : `${v}Z`)
    if (Number.isFinite(ms) && ms >= 0) return ms
  }
  throw bad(`Query value is invalid for attribute "${attribute}"`)
}

function integer(q: RawQuery, what: string): number {
  const n = q.values[0]
  if (q.values.length !== 1 || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > TOTAL_CAP) {
    throw bad(`Invalid ${what}: Value must be a valid range between 0 and ${TOTAL_CAP.toLocaleString('en-US')}`)
  }
  return n
}

/**
 * Reads the `queries[]` and `search` params of a Users listing into a {@link ListQuery} over
 * the schema's attributes. Everything it does not support is a 400 (`general_query_invalid`
 * for a query that is not a query, `general_argument_invalid` for an attribute, method or
 * value the listing can't answer): a listing never silently ignores part of what was asked.
 * docs/queries.md.
 */
export function parseQueries<A extends string>(schema: QuerySchema<A>, queries: unknown, search?: unknown, total = true): ListQuery<A> {
  const list = queries === undefined || queries === null || queries === '' ? [] : Array.isArray(queries) ? queries : [queries]
  if (list.length > MAX_QUERIES) throw invalidParam('queries', `Value must a valid array no longer than ${MAX_QUERIES} items and Value must be a valid string and at most 4096 chars`)
  if (search !== undefined && search !== null && (typeof search !== 'string' || search.length > MAX_SEARCH_LENGTH)) {
    throw invalidParam('search', `Value must be a valid string and at most ${MAX_SEARCH_LENGTH} chars`)
  }
  const out: ListQuery<A> = {
    filters: [], search: searchWords(typeof search === 'string' ? search : ''), order: null,
    limit: DEFAULT_LIMIT, offset: 0, cursor: null, total,
  }
  const seen = new Set<string>()
  const once = (what: string) => {
    if (seen.has(what)) throw bad(`Only one ${what} query is allowed`)
    seen.add(what)
  }
  for (const text of list) {
    const q = readQuery(text)
    switch (q.method) {
      case 'limit': once('limit'); out.limit = integer(q, 'limit'); break
      case 'offset': once('offset'); out.offset = integer(q, 'offset'); break
      case 'cursorAfter': case 'cursorBefore': {
        once('cursor')
        const id = q.values[0]
        if (q.values.length !== 1 || typeof id !== 'string' || id === '' || id.length > 36) throw bad('Invalid cursor: Cursor must be a valid ID')
        out.cursor = { id, before: q.method === 'cursorBefore' }
        break
      }
      case 'orderAsc': case 'orderDesc': {
        once('order')
        const attribute = attributeOf(schema, q)
        if (schema.unordered.includes(attribute)) throw bad(`Cannot order by attribute "${attribute}"`)
        out.order = { attribute, desc: q.method === 'orderDesc' }
        break
      }
      default: out.filters.push(filterOf(schema, q))
    }
  }
  return out
}

function filterOf<A extends string>(schema: QuerySchema<A>, q: RawQuery): ListFilter<A> {
  const attribute = attributeOf(schema, q)
  const kind = schema.kinds[attribute]
  const value = (v: unknown) => queryValue(kind, attribute, v)
  if (!METHODS[kind].includes(q.method)) throw bad(`Query method not valid: ${q.method}`)
  const { values } = q
  if (values.length > MAX_QUERIES) throw bad(`Query on attribute has greater than ${MAX_QUERIES} values: ${attribute}`)
  const need = (n: number) => {
    if (values.length !== n) throw bad(`${q.method} queries require exactly ${n} value${n === 1 ? '' : 's'}.`)
  }
  switch (q.method) {
    case 'equal': case 'notEqual':
      if (values.length === 0) throw bad(`${q.method} queries require at least one value.`)
      return { op: q.method, attribute, values: values.map(value) }
    case 'contains':
      if (values.length === 0) throw bad('contains queries require at least one value.')
      return { op: 'contains', attribute, values: values.map((v) => value(v) as string) }
    case 'between':
      need(2)
      return { op: 'between', attribute, low: value(values[0]), high: value(values[1]) }
    case 'startsWith':
      need(1)
      return { op: 'startsWith', attribute, value: value(values[0]) as string }
    case 'isNull': case 'isNotNull':
      if (!schema.nullable.includes(attribute)) throw bad(`Query method not valid: ${q.method} (attribute "${attribute}" is never null)`)
      return { op: q.method, attribute }
    default:
      need(1)
      return { op: q.method as 'lessThan', attribute, value: value(values[0]) }
  }
}
