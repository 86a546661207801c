import { createHash } from 'node:crypto'
import type { IdentityRecord } from './store.js'
import * as lua from './redis-scripts.js'
import { nonce, releaseClaims, releaseQuietly, STALE_CLAIM_MS, takeClaimKey } from './redis-claims.js'
import type { ClaimDeps } from './redis-claims.js'
import { parse, str } from './redis-connection.js'
import type { RedisConnection } from './redis-connection.js'
import type { RedisIdentityIndex } from './redis-identity-index.js'

type InsertIdentityResult = { ok: true } | { ok: false; conflict: 'identity' | 'missing' }

/** An identity claim's value: the owning account (`id`, as in email/phone claims) and identity. */
interface IdentityClaim { id: string; identity: string; at: number }

function parseIdentityClaim(raw: string | null): IdentityClaim | null {
  if (raw === null) return null
  try {
    const c = JSON.parse(raw) as Partial<IdentityClaim> | null
    return c && typeof c.id === 'string' && typeof c.identity === 'string' && typeof c.at === 'number'
      ? { id: c.id, identity: c.identity, at: c.at }
      : null
  } catch {
    return null
  }
}

const samePair = (a: IdentityRecord | null, provider: string, providerUid: string): boolean =>
  !!a && a.provider === provider && a.providerUid === providerUid

/** Oldest first; ties broken by id, as in MemoryStore. */
const byCreation = (a: IdentityRecord, b: IdentityRecord): number =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * OAuth2 identities for {@link RedisStore}. Keys, under the store's prefix P:
 * - `P{a:<accountId>}:identities` HASH identity id → identity JSON, in the account's slot
 * - `P{a:<accountId>}:identity-revs` HASH identity id → how many times `replace` rewrote it
 *   (absent = 0): the generation the listing index (`redis-identity-index.ts`) orders writes by
 * - `Pu:identity:<provider>:<sha256 hex of providerUid>` the (provider, uid) claim
 *   `{"id":<accountId>,"identity":<identityId>,"at","n"}`; the uid is hashed so that whatever a
 *   provider sends (any length, braces, colons) makes a fixed-size key that can't alter a hash
 *   tag, and the fixed-length suffix keeps (provider, hash) pairs from colliding.
 *
 * The claim lives in another slot than the account, so it follows `redis-claims.ts`: claim first
 * (`SET NX`), then write the identity with a script that checks the account still exists; a
 * failed write releases the claim by compare-and-delete on its exact value. A claim whose
 * identity is gone (a writer crashed between the two steps) is taken over once older than
 * {@link STALE_CLAIM_MS}.
 *
 * Every identity write is followed (never preceded) by its write to the listing index, which
 * lives in the `{ix}` slot (see `RedisIdentityIndex`).
 */
export class RedisIdentities {
  readonly #conn: RedisConnection
  readonly #claims: ClaimDeps
  readonly #prefix: string
  readonly #key: (accountId: string, suffix: string) => string
  readonly #index: RedisIdentityIndex

  constructor(conn: RedisConnection, claims: ClaimDeps, prefix: string, key: (accountId: string, suffix: string) => string,
    index: RedisIdentityIndex) {
    this.#conn = conn
    this.#claims = claims
    this.#prefix = prefix
    this.#key = key
    this.#index = index
  }

  /**
   * `Pu:identity-id:<sha256 hex of identityId>` → `{"id":<accountId>,"identity":<identityId>}`:
   * which account holds an identity id (in its own slot; hashed, so no id alters a hash tag).
   * Written before the identity and re-checked against it on every lookup, so a pointer left
   * by a writer that died in between never answers a missing identity.
   */
  idKey(identityId: string): string {
    return `${this.#prefix}u:identity-id:${createHash('sha256').update(identityId).digest('hex')}`
  }

  claimKey(provider: string, providerUid: string): string {
    return `${this.#prefix}u:identity:${provider}:${createHash('sha256').update(providerUid).digest('hex')}`
  }

  async insert(identity: IdentityRecord): Promise<InsertIdentityResult> {
    const { id, accountId: a, provider, providerUid } = identity
    const keys = [this.#key(a, 'account'), this.#key(a, 'identities'), this.#key(a, 'identity-revs')]
    // Checked first so a missing account answers 'missing' without touching the claim; the script decides.
    if (!(await (await this.#conn.cmd()).exists(keys[0]!))) return { ok: false, conflict: 'missing' }
    const fresh = () => JSON.stringify({ id: a, identity: id, at: Date.now(), n: nonce() })
    const claim = await takeClaimKey(this.#claims, this.claimKey(provider, providerUid), fresh, async (raw) => {
      const cur = parseIdentityClaim(raw)
      if (!cur) return false
      if (samePair(await this.get(cur.id, cur.identity), provider, providerUid)) return true
      return Date.now() - cur.at < STALE_CLAIM_MS
    })
    if (!claim) return { ok: false, conflict: 'identity' }
    try {
      // Before the identity (see idKey): an identity is never stored without its pointer.
      await (await this.#conn.cmd()).set(this.idKey(id), JSON.stringify({ id: a, identity: id }))
      const r = str(await this.#conn.run(lua.INSERT_IDENTITY, keys, [id, JSON.stringify(identity)]))
      if (r !== 'ok') {
        // 'identity' means this account already holds this id: the pointer names it, keep it.
        if (r === 'missing') await this.#conn.run(lua.RELEASE_OWNED_CLAIM, [this.idKey(id)], [a, id])
        await releaseClaims(this.#claims, [claim])
        return { ok: false, conflict: r === 'missing' ? 'missing' : 'identity' }
      }
    } catch (err) {
      // An error does not say the identity wasn't written: Redis may have run the script and
      // the reply been lost (a dropped connection). Releasing the claim then would let another
      // account take a pair this one holds, so it is released only once a read shows the
      // identity absent. Kept otherwise: a claim whose identity is missing is taken over after
      // STALE_CLAIM_MS.
      if (await this.#absent(a, id)) await releaseQuietly(this.#claims, [claim])
      throw err
    }
    // Outside the try: the identity is stored, so a failed index write must not release its
    // claim (another account could then take the pair). The index catches up on the
    // identity's next write or `reindexAccounts()`.
    await this.#index.put(identity, 0)
    return { ok: true }
  }

  /** True only when a read shows the account doesn't hold the identity (false when the read fails too). */
  async #absent(accountId: string, identityId: string): Promise<boolean> {
    try {
      return (await this.get(accountId, identityId)) === null
    } catch {
      return false
    }
  }

  /** The claim's account, only while that account still holds the identity the claim names. */
  async findOwner(provider: string, providerUid: string): Promise<string | null> {
    const claim = parseIdentityClaim(await this.#claims.get(this.claimKey(provider, providerUid)))
    if (!claim) return null
    return samePair(await this.get(claim.id, claim.identity), provider, providerUid) ? claim.id : null
  }

  async list(accountId: string): Promise<IdentityRecord[]> {
    const all = await (await this.#conn.cmd()).hVals(this.#key(accountId, 'identities'))
    return all.map((v) => parse<IdentityRecord>(v)!).sort(byCreation)
  }

  async get(accountId: string, identityId: string): Promise<IdentityRecord | null> {
    return parse<IdentityRecord>(await (await this.#conn.cmd()).hGet(this.#key(accountId, 'identities'), identityId))
  }

  /** The identity the id's pointer names, while that account still holds it. */
  async find(identityId: string): Promise<IdentityRecord | null> {
    const raw = await (await this.#conn.cmd()).get(this.idKey(identityId))
    const pointer = raw === null ? null : parse<{ id?: unknown; identity?: unknown }>(raw)
    if (!pointer || typeof pointer.id !== 'string' || pointer.identity !== identityId) return null
    return this.get(pointer.id, identityId)
  }

  async replace(identity: IdentityRecord): Promise<boolean> {
    const cur = await this.get(identity.accountId, identity.id)
    if (!cur) return false
    if (!samePair(cur, identity.provider, identity.providerUid)) {
      throw new TypeError('replaceIdentity: provider and providerUid must not change')
    }
    const keys = [this.#key(identity.accountId, 'identities'), this.#key(identity.accountId, 'identity-revs')]
    const rev = Number(await this.#conn.run(lua.REPLACE_IDENTITY, keys, [identity.id, JSON.stringify(identity)]))
    if (rev === 0) return false
    await this.#index.put(identity, rev)
    return true
  }

  async delete(accountId: string, identityId: string): Promise<boolean> {
    const cur = await this.get(accountId, identityId)
    if (!cur) return false
    const key = this.claimKey(cur.provider, cur.providerUid)
    // The exact claim value, read while the identity still exists (so nobody may take it over
    // yet): the release below can't drop a claim somebody writes after our HDEL.
    const raw = await this.#claims.get(key)
    const keys = [this.#key(accountId, 'identities'), this.#key(accountId, 'identity-revs')]
    if (Number(await this.#conn.run(lua.DELETE_IDENTITY, keys, [identityId])) !== 1) return false
    const claim = parseIdentityClaim(raw)
    if (raw !== null && claim?.id === accountId && claim.identity === identityId) {
      await releaseClaims(this.#claims, [{ key, value: raw }])
    }
    // Compare-and-delete: a pointer that names another account's identity stays.
    await this.#conn.run(lua.RELEASE_OWNED_CLAIM, [this.idKey(identityId)], [accountId, identityId])
    await this.#index.remove(cur)
    return true
  }

  /**
   * After `deleteAccount`: releases the claims of the identities its script deleted (in other
   * slots, so not in that script). A claim that no longer names them isn't ours to drop.
   */
  async releaseDeleted(accountId: string, deleted: unknown[]): Promise<void> {
    await Promise.all(deleted.map((v) => parse<IdentityRecord>(v)!).flatMap((i) => [
      this.#index.remove(i),
      this.#conn.run(lua.RELEASE_OWNED_CLAIM, [this.claimKey(i.provider, i.providerUid)], [accountId, i.id]),
      this.#conn.run(lua.RELEASE_OWNED_CLAIM, [this.idKey(i.id)], [accountId, i.id]),
    ]))
  }

  /**
   * For `reindexAccounts()`: indexes the account's identities for listings at their current
   * write counts, and writes the id pointer (`idKey`) of an identity stored before pointers
   * existed, so `findIdentity` (the Users service's `DELETE /users/identities/:id`) finds it. A
   * pointer that exists is left as it is; one written for an identity deleted meanwhile is
   * harmless (`find` re-checks the identity).
   */
  async reindex(accountId: string): Promise<void> {
    const keys = [this.#key(accountId, 'identities'), this.#key(accountId, 'identity-revs')]
    const r = (await this.#conn.run(lua.READ_IDENTITIES, keys, [])) as unknown[]
    const c = await this.#conn.cmd()
    const work: Promise<unknown>[] = []
    for (let i = 0; i + 1 < r.length; i += 2) {
      const identity = parse<IdentityRecord>(r[i])
      if (!identity || identity.accountId !== accountId) continue
      work.push(c.set(this.idKey(identity.id), JSON.stringify({ id: accountId, identity: identity.id }), { condition: 'NX' }))
      work.push(this.#index.put(identity, Number(r[i + 1])))
    }
    await Promise.all(work)
  }
}
