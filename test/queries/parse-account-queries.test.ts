/** The query parser: what node-appwrite's `Query` writes, read into an AccountQuery; everything else a 400. */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Query } from 'node-appwrite'
import { AccountsError } from '../../lib/errors.js'
import { parseAccountQueries } from '../../lib/queries/parse-account-queries.js'

const refused = (fn: () => unknown, type: string, message?: RegExp) => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AccountsError)
    assert.equal(err.type, type)
    assert.equal(err.code, 400)
    if (message) assert.match(err.message, message)
    return true
  })
}

describe('parseAccountQueries', () => {
  it('reads every supported builder of the installed node-appwrite', () => {
    const q = parseAccountQueries([
      Query.equal('name', ['Ada', 'Bob']), Query.notEqual('status', false), Query.lessThan('registration', '2024-01-02T03:04:05.678+00:00'),
      Query.greaterThanEqual('accessedAt', '2024-01-02'), Query.between('passwordUpdate', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00'),
      Query.startsWith('email', 'ad'), Query.contains('labels', ['vip', 'beta']), Query.isNull('phone'), Query.isNotNull('passwordUpdate'),
      Query.equal('impersonator', true), Query.limit(10), Query.offset(5), Query.cursorAfter('abc'), Query.orderDesc('name'),
    ], '  Ada   LOVE-lace ')
    assert.deepEqual(q.filters, [
      { op: 'equal', attribute: 'name', values: ['Ada', 'Bob'] },
      { op: 'notEqual', attribute: 'status', values: [false] },
      { op: 'lessThan', attribute: 'registration', value: Date.parse('2024-01-02T03:04:05.678Z') },
      { op: 'greaterThanEqual', attribute: 'accessedAt', value: Date.parse('2024-01-02T00:00:00Z') },
      { op: 'between', attribute: 'passwordUpdate', low: Date.parse('2024-01-01T00:00:00Z'), high: Date.parse('2024-02-01T00:00:00Z') },
      { op: 'startsWith', attribute: 'email', value: 'ad' },
      { op: 'contains', attribute: 'labels', values: ['vip', 'beta'] },
      { op: 'isNull', attribute: 'phone' },
      { op: 'isNotNull', attribute: 'passwordUpdate' },
      { op: 'equal', attribute: 'impersonator', values: [true] },
    ])
    assert.deepEqual([q.limit, q.offset, q.cursor, q.order, q.search, q.total], [10, 5, { id: 'abc', before: false }, { attribute: 'name', desc: true }, ['ada', 'love', 'lace'], true])
  })

  it('defaults to the first 25 in registration order, counting the total', () => {
    assert.deepEqual(parseAccountQueries(undefined), { filters: [], search: [], order: null, limit: 25, offset: 0, cursor: null, total: true })
    assert.equal(parseAccountQueries([], undefined, false).total, false)
  })

  it('refuses what it cannot answer', () => {
    refused(() => parseAccountQueries(['equal("name", ["x"])']), 'general_query_invalid')
    refused(() => parseAccountQueries(['[]']), 'general_query_invalid')
    refused(() => parseAccountQueries([Query.equal('$id', 'x')]), 'general_argument_invalid', /Attribute not found in schema: \$id/)
    refused(() => parseAccountQueries([Query.search('name', 'x')]), 'general_argument_invalid', /Query method not valid: search/)
    refused(() => parseAccountQueries([Query.select(['name'])]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.and([Query.equal('name', 'a'), Query.equal('email', 'b')])]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.equal('registration', 'yesterday')]), 'general_argument_invalid', /Query value is invalid/)
    refused(() => parseAccountQueries([Query.equal('name', 1)]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.equal('name', [])]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.equal('name', Array.from({ length: 101 }, (_, i) => `n${i}`))]), 'general_argument_invalid')
    refused(() => parseAccountQueries(['{"method":"between","attribute":"registration","values":["2024-01-01"]}']), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.limit(-1)]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.offset(5001)]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.limit(1), Query.limit(2)]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.cursorAfter('a'), Query.cursorBefore('b')]), 'general_argument_invalid')
    refused(() => parseAccountQueries([Query.cursorAfter('')]), 'general_argument_invalid')
    refused(() => parseAccountQueries(Array.from({ length: 101 }, () => Query.limit(1))), 'general_argument_invalid')
    refused(() => parseAccountQueries([], 'x'.repeat(257)), 'general_argument_invalid')
    refused(() => parseAccountQueries([{ method: 'limit' }]), 'general_argument_invalid')
  })

  it('never throws anything but a 400 AccountsError, whatever the input (property)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.anything())), fc.anything(), (queries, search) => {
      try {
        parseAccountQueries(queries, search)
      } catch (err) {
        assert.ok(err instanceof AccountsError, String(err))
        assert.equal(err.code, 400)
      }
    }), { numRuns: 500 })
  })
})
