import { AccountsError, invalidParam } from '../errors.js'
import { newId } from '../secrets.js'
import { assertStorable } from '../storable.js'
import type { AccountRecord, ReplaceResult } from '../store/store.js'
import * as v from '../validate.js'
import { syncContactTargets } from './contact-targets.js'
import { runBeforeHook } from './before-hooks.js'
import { assertRecordFieldTypes } from './record-field-types.js'
import type { CoreContext } from './context.js'
import { SECURITY_EVENTS } from './security-log.js'

const MAX_CAS_RETRIES = 8

/** A password-less account's starting fields (passwordless sign-up, OAuth2 sign-up). */
export interface PasswordlessAccountInput {
  id?: string | undefined
  email?: string | undefined
  phone?: string | undefined
  name?: string | undefined
  emailVerification?: boolean | undefined
  /** How the account signs up, for `beforeCreateAccount`: `'email'`, `'phone'`, `'oauth2'`… Default `'server'`. */
  provider?: string | undefined
}

/**
 * Account records: lookups, insert, and the compare-and-set update every account change goes
 * through. No account rule lives here (who may change what is the features' business): only
 * what keeps records whole — storable fields, a fixed id, no lost update.
 */
export class AccountRecords {
  readonly #ctx: CoreContext

  constructor(ctx: CoreContext) {
    this.#ctx = ctx
  }

  // Lookups refuse (400) a string with a lone surrogate too: in a Redis key it would collapse
  // into U+FFFD and name another value's key.
  async get(accountId: string): Promise<AccountRecord | null> {
    return this.#ctx.store.getAccount(v.wellFormed('accountId', accountId))
  }

  /** Throws `404 user_not_found` when there is no such account. */
  async mustGet(accountId: string): Promise<AccountRecord> {
    const account = await this.get(accountId)
    if (!account) throw new AccountsError('user_not_found')
    return account
  }

  async findByEmail(email: string): Promise<AccountRecord | null> {
    const id = await this.#ctx.store.findAccountId('email', v.wellFormed('email', email).trim().toLowerCase())
    return id ? this.#ctx.store.getAccount(id) : null
  }

  async findByPhone(phone: string): Promise<AccountRecord | null> {
    const id = await this.#ctx.store.findAccountId('phone', v.wellFormed('phone', phone))
    return id ? this.#ctx.store.getAccount(id) : null
  }

  /**
   * Stores a fully built record. Refused with a 400 when the id is not a valid custom id or a
   * field could not be stored and read back unchanged (see `assertStorable`).
   */
  async insert(account: AccountRecord, provider = 'server'): Promise<AccountRecord> {
    if (v.userId('id', account.id) === null) throw invalidParam('id', 'Value must be an account id, not unique().')
    assertRecordFieldTypes(account)
    syncContactTargets(null, account, this.#ctx.clock.now())
    assertStorable(account)
    // After validation, before the write: a veto stores nothing.
    await runBeforeHook(this.#ctx.options.hooks, 'beforeCreateAccount', { account, provider })
    const result = await this.#ctx.store.insertAccount(account)
    if (!result.ok) throw new AccountsError('user_already_exists')
    await this.#ctx.securityLog.record(account, SECURITY_EVENTS.accountCreated)
    this.#ctx.events.emit('accountCreated', { account })
    return account
  }

  /** Creates a password-less account owning an email or a phone (passwordless and OAuth2 sign-up). */
  async insertPasswordless(input: PasswordlessAccountInput): Promise<AccountRecord> {
    const id = input.id === undefined ? null : v.userId('id', input.id)
    const account = blankAccount(id ?? newId(), this.#ctx.clock.now())
    account.email = input.email ?? ''
    account.phone = input.phone ?? ''
    account.name = input.name ?? ''
    account.emailVerification = Boolean(input.email) && input.emailVerification === true
    return this.insert(account, input.provider)
  }

  /**
   * Read-modify-write with compare-and-set on `rev`: a concurrent writer makes the store
   * answer `stale` and the change is replayed on the fresh record, so no update is lost.
   * A change leaving a value no store can round-trip (a lone surrogate, prefs nested past
   * the cap, a Date…) is refused with `400 general_argument_invalid` naming the field, and
   * nothing is written. `announce: false` is for bookkeeping no user made (no `accountUpdated`).
   */
  async update(accountId: string, change: (account: AccountRecord) => void, announce = true): Promise<AccountRecord> {
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = await this.mustGet(accountId)
      const next = structuredClone(current)
      change(next)
      if (next.id !== current.id) throw invalidParam('id', 'The account id cannot change.')
      assertRecordFieldTypes(next)
      syncContactTargets(current, next, this.#ctx.clock.now())
      assertStorable(next, current)
      next.rev = current.rev + 1
      next.updatedAt = this.#ctx.clock.now()
      const result: ReplaceResult = await this.#ctx.store.replaceAccount(next, current.rev)
      if (result.ok) {
        if (announce) this.#ctx.events.emit('accountUpdated', { account: next })
        return next
      }
      if (result.conflict === 'missing') throw new AccountsError('user_not_found')
      if (result.conflict === 'email') throw new AccountsError('user_target_already_exists')
      if (result.conflict === 'phone') throw new AccountsError('user_phone_already_exists')
    }
    // Writers keep winning the compare-and-set: a retry later will settle; nothing was written.
    throw new AccountsError('store_contention')
  }
}

export function blankAccount(id: string, now: number): AccountRecord {
  return {
    id,
    rev: 1,
    createdAt: now,
    updatedAt: now,
    registration: now,
    accessedAt: now,
    name: '',
    email: '',
    phone: '',
    emailVerification: false,
    phoneVerification: false,
    status: true,
    labels: [],
    mfa: false,
    prefs: {},
    passwordHash: null,
    passwordUpdatedAt: null,
  }
}
