import { randomBytes } from 'node:crypto'
import type { AccountRecord, InsertResult, ReplaceResult, UniqueField } from './store.js'
import { COMPARE_AND_DELETE, COMPARE_AND_SET } from './redis-scripts.js'

/**
 * Email / phone uniqueness on Redis Cluster (identity claims, `redis-identities.ts`, reuse
 * the same loop, {@link takeClaimKey}).
 *
 * A claim key (`<prefix>u:<field>:<value>`) lives in its own slot, so it can't be written in
 * one script together with the account. Instead a claim is taken first (`SET NX`) and the
 * account written second; a crash in between leaves a claim whose owner doesn't hold the
 * value. Such a claim is *stale* and may be taken over, but only once it is older than
 * {@link STALE_CLAIM_MS}: a younger one may belong to a writer that is still between its two
 * steps. Every takeover and release is a compare-and-set / compare-and-delete on the exact
 * claim value (which carries a random nonce), so two racing writers can't both win, and a
 * writer can only release the claim it wrote itself.
 */

/**
 * How old (ms) a claim must be before its owner counts as crashed. Ages are judged by each
 * process's own clock, so the hosts sharing a Redis must agree on the time to well within this.
 */
export const STALE_CLAIM_MS = 60_000
/** Upper bound (ms) on one email/phone change: after that its lock frees itself. */
const CLAIM_LOCK_MS = 10_000
const ATTEMPTS = 4
const FIELDS: readonly UniqueField[] = ['email', 'phone']

export interface Claim { key: string; value: string }
interface ClaimValue { id: string; at: number }

/** What the claim code needs from the store. */
export interface ClaimDeps {
  get(key: string): Promise<string | null>
  /** SET NX (with PX when `ttlMs` is given); true when it was set. */
  setNx(key: string, value: string, ttlMs?: number): Promise<boolean>
  run(script: string, keys: string[], args: string[]): Promise<unknown>
  claimKey(field: UniqueField, value: string): string
  /** The account's claim-change lock; lives in the account's slot. */
  lockKey(accountId: string): string
  getAccount(id: string): Promise<AccountRecord | null>
  /**
   * The account CAS against the exact stored JSON `expected`; with a non-empty `lock` it also
   * requires that lock to still be held.
   */
  compareAndSet(next: AccountRecord, expected: string, lock: string): Promise<ReplaceResult>
}

export function parseClaim(raw: string | null): ClaimValue | null {
  if (raw === null) return null
  try {
    const c = JSON.parse(raw) as Partial<ClaimValue> | null
    return c && typeof c.id === 'string' && typeof c.at === 'number' ? { id: c.id, at: c.at } : null
  } catch {
    return null
  }
}

/**
 * Takes the claim for `value` on behalf of account `id`; null when another account owns it.
 * `ownAllowed` (account updates only): a claim already naming `id` is a leftover of this
 * account's own unfinished write, so it is refreshed rather than treated as someone else's.
 */
export async function takeClaim(
  d: ClaimDeps, field: UniqueField, value: string, id: string, ownAllowed: boolean,
): Promise<Claim | null> {
  const fresh = () => JSON.stringify({ id, at: Date.now(), n: nonce() })
  return takeClaimKey(d, d.claimKey(field, value), fresh, async (raw) => {
    const cur = parseClaim(raw)
    if (!cur || (ownAllowed && cur.id === id)) return false
    const owner = await d.getAccount(cur.id)
    if (owner && owner[field] === value) return true
    return Date.now() - cur.at < STALE_CLAIM_MS
  })
}

/** The random part of a claim value: it makes every written claim value unique. */
export const nonce = (): string => randomBytes(8).toString('base64url')

/**
 * The claim loop shared by every kind of claim: `SET NX` a `fresh()` value; when the key is
 * taken, `live(raw)` decides whether the current value must be respected (its owner still
 * holds what it claims, or it is too young to judge); if not, it is taken over by a
 * compare-and-set on that exact value, so of two racing writers only one can win.
 */
export async function takeClaimKey(
  d: Pick<ClaimDeps, 'get' | 'setNx' | 'run'>, key: string, fresh: () => string, live: (raw: string) => Promise<boolean>,
): Promise<Claim | null> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const mine = fresh()
    if (await d.setNx(key, mine)) return { key, value: mine }
    const raw = await d.get(key)
    if (raw === null) continue // released between our SET NX and GET: just try again
    if (await live(raw)) return null
    // Refreshing even our own claim matters: it resets `at`, so nobody can judge it stale and
    // take it over while this write is in flight.
    if ((await d.run(COMPARE_AND_SET, [key], [raw, mine])) === 1) return { key, value: mine }
  }
  return null
}

/** Releases claims this writer took; a claim someone has since replaced is left alone. */
export async function releaseClaims(d: Pick<ClaimDeps, 'run'>, claims: Claim[]): Promise<void> {
  await Promise.all(claims.map((c) => d.run(COMPARE_AND_DELETE, [c.key], [c.value])))
}

/** Best-effort release on an error path: the original error matters more than this one. */
export async function releaseQuietly(d: Pick<ClaimDeps, 'run'>, claims: Claim[]): Promise<void> {
  try {
    await releaseClaims(d, claims)
  } catch {
    // Left-over claims become stale and are taken over after STALE_CLAIM_MS.
  }
}

/** Claims the account's email / phone, then writes it with `writeAccount` (false: id taken). */
export async function insertWithClaims(
  d: ClaimDeps, account: AccountRecord, writeAccount: () => Promise<boolean>,
): Promise<InsertResult> {
  const taken: Claim[] = []
  try {
    for (const f of FIELDS) {
      if (!account[f]) continue
      const claim = await takeClaim(d, f, account[f], account.id, false)
      if (!claim) {
        await releaseClaims(d, taken)
        return { ok: false, conflict: f }
      }
      taken.push(claim)
    }
    if (!(await writeAccount())) {
      await releaseClaims(d, taken)
      return { ok: false, conflict: 'id' }
    }
    return { ok: true }
  } catch (err) {
    await releaseQuietly(d, taken)
    throw err
  }
}

/**
 * An account write that changes email and/or phone (`changed`). A per-account lock, checked
 * again by the CAS script, lets only one such change run per account at a time, so two of them
 * can't release each other's claims; a second concurrent change answers `stale` (the caller
 * re-reads and retries, as for any stale write).
 */
export async function replaceWithClaims(
  d: ClaimDeps, stored: { record: AccountRecord; raw: string }, next: AccountRecord, changed: UniqueField[],
): Promise<ReplaceResult> {
  const cur = stored.record
  const lockKey = d.lockKey(next.id)
  const lock = randomBytes(12).toString('base64url')
  if (!(await d.setNx(lockKey, lock, CLAIM_LOCK_MS))) return { ok: false, conflict: 'stale' }
  const taken: Claim[] = []
  let committed = false
  try {
    // Exact old claim values, read under the lock: releasing by value later can't drop a
    // claim that a later writer of this account has refreshed in the meantime.
    const old: Claim[] = []
    for (const f of changed) {
      if (!cur[f]) continue
      const key = d.claimKey(f, cur[f])
      const raw = await d.get(key)
      if (raw !== null && parseClaim(raw)?.id === next.id) old.push({ key, value: raw })
    }
    for (const f of changed) {
      if (!next[f]) continue
      const claim = await takeClaim(d, f, next[f], next.id, true)
      if (!claim) {
        await releaseClaims(d, taken)
        return { ok: false, conflict: f }
      }
      taken.push(claim)
    }
    const r = await d.compareAndSet(next, stored.raw, lock)
    if (!r.ok) {
      await releaseClaims(d, taken)
      return r
    }
    committed = true
    await releaseClaims(d, old)
    return r
  } catch (err) {
    if (!committed) await releaseQuietly(d, taken)
    throw err
  } finally {
    await d.run(COMPARE_AND_DELETE, [lockKey], [lock]).catch(() => undefined) // else it expires
  }
}
