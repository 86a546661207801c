import assert from 'node:assert/strict'
import type { ConsumeQuery, TokenRecord } from '../store/store.js'
import { makeToken, T0, uid } from './fixtures.js'
import type { StoreHandle } from './fixtures.js'
import { bdd } from './bdd.js'

const TTL = 60_000
const q = (t: TokenRecord, over: Partial<ConsumeQuery> = {}): ConsumeQuery =>
  ({ kinds: [t.kind], secretHash: 'right', now: T0 + 1000, ...over })

export function tokenTests(h: StoreHandle): void {
  const { it } = bdd()
  it('returns a matching token once and deletes it', async () => {
    const t = makeToken(uid())
    await h.store.putToken(t, TTL)
    assert.deepEqual(await h.store.consumeToken(t.accountId, q(t)), t)
    assert.equal(await h.store.consumeToken(t.accountId, q(t)), null)
    assert.equal(await h.store.consumeToken(uid(), q(t)), null)
  })

  it('replaces the same kind atomically with replaceSameKind, even under 10 concurrent puts', async () => {
    const accountId = uid()
    const other = makeToken(accountId, { kind: 'recovery', secretHash: 'keep' })
    await h.store.putToken(other, TTL)
    // maxFailures 0: the probing misses below must not kill the survivor.
    const racing = Array.from({ length: 10 }, (_, i) => makeToken(accountId, { secretHash: `s${i}`, maxFailures: 0 }))
    await Promise.all(racing.map((t) => h.store.putToken(t, TTL, { replaceSameKind: true })))
    const live = []
    for (const t of racing) if (await h.store.consumeToken(accountId, { kinds: ['email-otp'], secretHash: t.secretHash, now: T0 + 1000 })) live.push(t.id)
    assert.equal(live.length, 1, 'exactly one email-otp token is left')
    assert.ok(await h.store.consumeToken(accountId, { kinds: ['recovery'], secretHash: 'keep', now: T0 + 1000 }), 'other kinds are kept')
  })

  it('keepSameKind: n keeps the n newest earlier tokens of the kind (createdAt, then id), atomically under concurrent puts', async () => {
    const accountId = uid()
    const other = makeToken(accountId, { kind: 'recovery', secretHash: 'keep' })
    await h.store.putToken(other, TTL)
    const live = async (ts: TokenRecord[]) => {
      const found = []
      for (const t of ts) if (await h.store.consumeToken(accountId, { kinds: ['magic-url'], secretHash: t.secretHash, now: T0 + 1000 })) found.push(t.secretHash)
      return found
    }
    const seq = Array.from({ length: 5 }, (_, i) => makeToken(accountId, { kind: 'magic-url', secretHash: `q${i}`, maxFailures: 0, createdAt: T0 + i }))
    for (const t of seq) await h.store.putToken(t, TTL, { keepSameKind: 2 })
    assert.deepEqual(await live(seq), ['q2', 'q3', 'q4'], 'the new one and the 2 newest before it')
    const racing = Array.from({ length: 10 }, (_, i) => makeToken(accountId, { kind: 'magic-url', secretHash: `r${i}`, maxFailures: 0, createdAt: T0 + i }))
    await Promise.all(racing.map((t) => h.store.putToken(t, TTL, { keepSameKind: 2 })))
    assert.equal((await live(racing)).length, 3, 'never more than keepSameKind + 1 live')
    assert.ok(await h.store.consumeToken(accountId, { kinds: ['recovery'], secretHash: 'keep', now: T0 + 1000 }), 'other kinds are kept')
  })

  it('gives a token to exactly one of 20 concurrent consumers', async () => {
    const t = makeToken(uid())
    await h.store.putToken(t, TTL)
    const results = await Promise.all(Array.from({ length: 20 }, () => h.store.consumeToken(t.accountId, q(t))))
    assert.equal(results.filter((r) => r !== null).length, 1)
  })

  it('counts wrong secrets and reports them on redemption', async () => {
    const t = makeToken(uid())
    await h.store.putToken(t, TTL)
    for (let i = 0; i < 2; i++) assert.equal(await h.store.consumeToken(t.accountId, q(t, { secretHash: 'wrong' })), null)
    assert.deepEqual(await h.store.consumeToken(t.accountId, q(t)), { ...t, failures: 2 })
  })

  it('kills a token at maxFailures even if the right secret follows', async () => {
    const a = uid()
    const t = makeToken(a)
    const other = makeToken(a, { secretHash: 'other' })
    await h.store.putToken(t, TTL)
    await h.store.putToken(other, TTL)
    for (let i = 0; i < 3; i++) assert.equal(await h.store.consumeToken(a, q(t, { secretHash: 'wrong' })), null)
    assert.equal(await h.store.consumeToken(a, q(t)), null)
    assert.equal(await h.store.consumeToken(a, q(t, { secretHash: 'other' })), null) // every candidate counted
  })

  it('never counts misses against a token whose maxFailures is 0, while counting them against the others', async () => {
    const a = uid()
    const link = makeToken(a, { kind: 'magic-url', secretHash: 'link', maxFailures: 0 })
    const code = makeToken(a, { kind: 'email-otp', secretHash: 'code', maxFailures: 3 })
    await h.store.putToken(link, TTL)
    await h.store.putToken(code, TTL)
    const kinds = ['magic-url', 'email-otp']
    for (let i = 0; i < 10; i++) assert.equal(await h.store.consumeToken(a, { kinds, secretHash: `wrong${i}`, now: T0 + 1000 }), null)
    assert.equal(await h.store.consumeToken(a, { kinds, secretHash: 'code', now: T0 + 1000 }), null, 'the code died at its 3rd miss')
    assert.deepEqual(await h.store.consumeToken(a, { kinds, secretHash: 'link', now: T0 + 1000 }), link)
  })

  it('kills each token at its own maxFailures', async () => {
    const a = uid()
    const two = makeToken(a, { secretHash: 'two', maxFailures: 2 })
    const four = makeToken(a, { kind: 'phone-otp', secretHash: 'four', maxFailures: 4 })
    await h.store.putToken(two, TTL)
    await h.store.putToken(four, TTL)
    const kinds = ['email-otp', 'phone-otp']
    for (let i = 0; i < 3; i++) assert.equal(await h.store.consumeToken(a, { kinds, secretHash: 'wrong', now: T0 + 1000 }), null)
    assert.deepEqual(await h.store.consumeToken(a, { kinds, secretHash: 'four', now: T0 + 1000 }), { ...four, failures: 3 })
    assert.equal(await h.store.consumeToken(a, { kinds, secretHash: 'two', now: T0 + 1000 }), null)
  })

  it('never matches an expired token (now >= expiresAt)', async () => {
    const a = uid()
    const t = makeToken(a)
    await h.store.putToken(t, TTL)
    assert.equal(await h.store.consumeToken(a, q(t, { now: t.expiresAt })), null)
    assert.equal(await h.store.consumeToken(a, q(t, { now: t.expiresAt - 1 })), null) // pruned when met
    const u = makeToken(a)
    await h.store.putToken(u, TTL)
    assert.deepEqual(await h.store.consumeToken(a, q(u, { now: u.expiresAt - 1 })), u)
  })

  it('only considers the asked kinds, without counting failures on others', async () => {
    const a = uid()
    const t = makeToken(a, { kind: 'recovery' })
    await h.store.putToken(t, TTL)
    for (let i = 0; i < 5; i++) assert.equal(await h.store.consumeToken(a, q(t, { kinds: ['email-otp', 'magic-url'] })), null)
    assert.deepEqual(await h.store.consumeToken(a, q(t, { kinds: ['magic-url', 'recovery'] })), t)
  })

  it('with an id, only considers that token', async () => {
    const a = uid()
    const t1 = makeToken(a, { kind: 'mfa' })
    const t2 = makeToken(a, { kind: 'mfa' })
    await h.store.putToken(t1, TTL)
    await h.store.putToken(t2, TTL)
    assert.deepEqual(await h.store.consumeToken(a, q(t2, { id: t2.id })), t2)
    assert.equal(await h.store.consumeToken(a, q(t2, { id: t2.id })), null)
    assert.equal(await h.store.consumeToken(a, q(t1, { id: uid() })), null)
    assert.equal(await h.store.consumeToken(a, q(t1, { id: t1.id, kinds: ['recovery'] })), null)
    assert.deepEqual(await h.store.consumeToken(a, q(t1, { id: t1.id, kinds: [] })), t1)
  })

  it('deletes tokens by kind or all of them', async () => {
    const a = uid()
    for (const kind of ['email-otp', 'email-otp', 'recovery', 'magic-url']) await h.store.putToken(makeToken(a, { kind }), TTL)
    assert.equal(await h.store.deleteTokens(a, []), 0)
    assert.equal(await h.store.deleteTokens(a, ['email-otp', 'phone-otp']), 2)
    assert.equal(await h.store.deleteTokens(a, ['email-otp']), 0)
    assert.equal(await h.store.deleteTokens(a), 2)
    assert.equal(await h.store.deleteTokens(a), 0)
    assert.equal(await h.store.deleteTokens(uid()), 0)
  })

  it('round-trips token data through JSON', async () => {
    const a = uid()
    const t = makeToken(a, { data: { url: 'https://x.test/?a=1&b=%7B', list: [], obj: {}, nested: [[], { k: null }], n: 1.5 } })
    await h.store.putToken(t, TTL)
    const snapshot = structuredClone(t)
    ;(t.data.list as unknown[]).push('mutated-input')
    assert.deepEqual(await h.store.consumeToken(a, q(t)), snapshot)
  })
}
