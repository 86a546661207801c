import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AccountsError } from '../errors.js'
import type { AccountRecord, InsertResult, ReplaceResult, UniqueField } from './store.js'
import { COMPARE_AND_DELETE, COMPARE_AND_SET } from './redis-scripts.js'

/**
 * Email / phone uniqueness on Redis Cluster (identity claims, `redis-identities.ts`, reuse
 * the same loop, {@link takeClaimKey}).
 *
 * A claim key (`<prefix>u:<field>:<value>`) lives in its own slot, so it can't be written in
 * one script together with the account. Instead every writer that claims (an insert, or an
 * email / phone change) first takes the account's lock (`{a:<id>}:lock`, SET NX with a
 * {@link CLAIM_LOCK_MS} expiry), then takes its claims (`SET NX`), then writes the account with
 * a script that commits only while that same lock is still held. A crash (of the app or of
 * Redis) between the claim and the write leaves a claim whose owner doesn't hold the value.
 *
 * Such a claim is judged from the owner's slot in one read (account and lock together): the
 * owner holds the value → the claim is live; the lock is still held → a writer may still commit,
 * so we wait for it briefly (then answer `503 store_contention`, retry later); neither → no
 * writer can commit any more (the lock is gone, and the write requires it), so the claim is
 * taken over at once. So an orphaned claim blocks its email for at most CLAIM_LOCK_MS, not
 * forever, and judging it needs no clock shared between hosts. Every takeover and release is a
 * compare-and-set / compare-and-delete on the exact claim value (which carries a random nonce),
 * so two racing writers can't both win, and a writer can only release the claim it wrote itself.
 */

/**
 * How old (ms) an identity claim (`redis-identities.ts`) must be before its owner counts as
 * crashed. Ages are judged by each process's own clock, so the hosts sharing a Redis must
 * agree on the time to well within this.
 */
export const STALE_CLAIM_MS = 60_000
/**
 * Upper bound (ms) on one claiming write (insert, email / phone change): after that its lock
 * frees itself, the write can no longer commit, and its claims can be taken over. Writes take
 * milliseconds; a writer slower than this fails and is retried.
 */
export const CLAIM_LOCK_MS = 5_000
/** Pauses (ms) while a claim's writer still holds its lock: ~1 s in all, then `store_contention`. */
const PENDING_WAITS = [5, 10, 20, 40, 80, 160, 320, 365]
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
  /** The account and whether its lock is held, read together (one slot, one command). */
  ownerState(id: string): Promise<{ account: AccountRecord | null; locked: boolean }>
  /**
   * The account CAS against the exact stored JSON `expected`; with a non-empty `lock` it also
   * requires that lock to still be held.
   */
  compareAndSet(next: AccountRecord, expected: string, lock: string): Promise<ReplaceResult>
  /** Writes a new account while `lock` is still its lock: `id` when the id is taken, `expired` when the lock is gone. */
  writeNew(account: AccountRecord, lock: string): Promise<'ok' | 'id' | 'expired'>
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
async function takeClaim(
  d: ClaimDeps, field: UniqueField, value: string, id: string, ownAllowed: boolean,
): Promise<Claim | null> {
  const fresh = () => JSON.stringify({ id, at: Date.now(), n: nonce() })
  return takeClaimKey(d, d.claimKey(field, value), fresh, async (raw) => {
    const cur = parseClaim(raw)
    if (!cur || (ownAllowed && cur.id === id)) return false
    for (const wait of [0, ...PENDING_WAITS]) {
      if (wait > 0) await sleep(wait)
      const { account: owner, locked } = await d.ownerState(cur.id)
      if (owner && owner[field] === value) return true
      // No lock: the write that took this claim can no longer commit (it requires the lock).
      if (!locked) return false
    }
    // Its writer is still between its claim and its write (or crashed there less than
    // CLAIM_LOCK_MS ago): neither "taken" nor "free" is true yet.
    throw new AccountsError('store_contention')
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
    // Left-over claims are taken over once their writer's lock has expired (CLAIM_LOCK_MS).
  }
}

/**
 * Takes the new account's lock, claims its email / phone, then writes it (only while the lock
 * is still ours). A lock held by someone else means another write of this id is under way.
 */
export async function insertWithClaims(d: ClaimDeps, account: AccountRecord): Promise<InsertResult> {
  const lockKey = d.lockKey(account.id)
  const lock = randomBytes(12).toString('base64url')
  if (!(await d.setNx(lockKey, lock, CLAIM_LOCK_MS))) return { ok: false, conflict: 'id' }
  const taken: Claim[] = []
  let written: 'ok' | 'id' | 'expired' | null = null
  let sent = false
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
    sent = true
    written = await d.writeNew(account, lock)
    if (written === 'ok') return { ok: true }
    await releaseClaims(d, taken)
    if (written === 'id') return { ok: false, conflict: 'id' }
    // Slower than CLAIM_LOCK_MS: its claims may already belong to someone else; nothing written.
    throw new AccountsError('store_contention')
  } catch (err) {
    // Security: once the write was sent, an error does not mean it failed (Redis may have run
    // it and the reply been lost): releasing the claims then would let another account take
    // this one's email or phone. They are kept; if nothing was written, the lock goes (below,
    // or by its expiry) and the next claimant takes them over at once (the owner lacks them).
    if (!sent) await releaseQuietly(d, taken)
    throw err
  } finally {
    // A successful write deleted the lock itself; any other path releases it here (else it expires).
    if (written !== 'ok') await d.run(COMPARE_AND_DELETE, [lockKey], [lock]).catch(() => undefined)
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
  let sent = false
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
    sent = true
    const r = await d.compareAndSet(next, stored.raw, lock)
    if (!r.ok) {
      await releaseClaims(d, taken)
      return r
    }
    committed = true
    await releaseClaims(d, old)
    return r
  } catch (err) {
    // As in insertWithClaims: after the write was sent, an error may hide a committed write.
    if (!committed && !sent) await releaseQuietly(d, taken)
    throw err
  } finally {
    await d.run(COMPARE_AND_DELETE, [lockKey], [lock]).catch(() => undefined) // else it expires
  }
}
