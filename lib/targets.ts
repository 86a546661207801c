import type { Core } from './core/core.js'
import { isContactTarget, targetsOf } from './core/contact-targets.js'
import { AccountsError, invalidParam } from './errors.js'
import { phone } from './phone.js'
import { newId } from './secrets.js'
import type { TargetRecord } from './store/store.js'
import * as v from './validate.js'

/** Appwrite's `Text(Database::LENGTH_KEY)` for a target identifier. */
export const TARGET_IDENTIFIER_MAX = 255

/** A messaging target's provider type: `email`, `sms` or `push`. */
export type TargetType = TargetRecord['providerType']

/** Input of `Targets.create` (`POST /account/targets/push` and the Users service's target routes). */
export interface CreateTargetInput {
  /** A custom id (Appwrite's id rules) or `'unique()'` / omitted for a generated one. */
  targetId?: string
  providerType: TargetType
  identifier: string
  providerId?: string | null
  name?: string
}

/** A change to a target: only the given fields change. */
export interface UpdateTargetInput {
  identifier?: string
  providerId?: string | null
  name?: string
}

/**
 * Messaging targets of an account: its email and sms targets (kept in step with the account's
 * email and phone by the core) and its push targets (device tokens). All of them live on the
 * account record, so every change here is one compare-and-set write of that record: two
 * concurrent creates of one id cannot both succeed, the cap cannot be overshot, and deleting
 * the account deletes its targets with it.
 *
 * The target of the account's own email or phone follows it (`updateEmail` / `updatePhone`
 * change it; it cannot be changed or deleted alone). Other email / sms targets (extra
 * addresses, for the Users service) and push targets (device tokens) are free-form; push
 * targets are capped at `maxPushTargets`. Target ids are unique within their account.
 */
export class Targets {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  /** The account's targets, oldest first. `404 user_not_found` when there is no account. */
  async list(accountId: string): Promise<TargetRecord[]> {
    return targetsOf(await this.#core.accounts.mustGet(accountId))
  }

  /** One target of the account; `404 user_target_not_found` when it has none by that id (or only one of another type, when `type` is given). */
  async get(accountId: string, targetId: string, type?: TargetType): Promise<TargetRecord> {
    return find(targetsOf(await this.#core.accounts.mustGet(accountId)), targetId, type)
  }

  /**
   * Adds a target. `409 user_target_already_exists` when the account has one by that id (or
   * one of that type for that address), `400 user_target_limit_exceeded` past `maxPushTargets`
   * push targets. An email identifier must be an address, an sms one an E.164 number.
   */
  async create(accountId: string, input: CreateTargetInput): Promise<TargetRecord> {
    const type = targetType(input.providerType)
    const custom = input.targetId === undefined ? null : v.userId('targetId', input.targetId)
    const identifier = checkIdentifier(type, input.identifier)
    const providerId = checkProviderId(input.providerId)
    const name = input.name === undefined ? '' : v.name('name', input.name, true)
    const max = this.#core.options.maxPushTargets
    let created: TargetRecord | null = null
    await this.#core.accounts.update(accountId, (a) => {
      const targets = targetsOf(a)
      const id = custom ?? newId()
      if (targets.some((t) => t.id === id)) throw new AccountsError('user_target_already_exists')
      // Two targets of one type for one address would deliver every message twice.
      if (type !== 'push' && targets.some((t) => t.providerType === type && t.identifier === identifier)) {
        throw new AccountsError('user_target_already_exists', 'A target with the same address already exists.')
      }
      if (type === 'push' && targets.filter((t) => t.providerType === 'push').length >= max) {
        throw new AccountsError('user_target_limit_exceeded')
      }
      const now = this.#core.clock.now()
      created = { id, createdAt: now, updatedAt: now, providerType: type, identifier, providerId, name, expired: false }
      a.targets = [...targets, created]
    })
    return created as unknown as TargetRecord
  }

  /**
   * Changes a target's identifier (which also clears `expired`, as in Appwrite), provider or
   * name. `type` restricts which targets may be addressed (the push routes pass `'push'`).
   */
  async update(accountId: string, targetId: string, change: UpdateTargetInput, type?: TargetType): Promise<TargetRecord> {
    const id = v.text('targetId', targetId, 36)
    const providerId = change.providerId === undefined ? undefined : checkProviderId(change.providerId)
    const name = change.name === undefined ? undefined : v.name('name', change.name, true)
    let updated: TargetRecord | null = null
    await this.#core.accounts.update(accountId, (a) => {
      const targets = targetsOf(a).map((t) => ({ ...t }))
      const target = find(targets, id, type)
      const identifier = change.identifier === undefined ? undefined : checkIdentifier(target.providerType, change.identifier)
      if (identifier !== undefined && identifier !== target.identifier) {
        if (isContactTarget(a, target)) {
          // It would be undone by the next write (the core keeps it on the account's address).
          throw invalidParam('identifier', `This target follows the account's ${target.providerType === 'email' ? 'email' : 'phone'}: change that instead.`)
        }
        if (target.providerType !== 'push' && targets.some((t) => t.providerType === target.providerType && t.identifier === identifier)) {
          throw new AccountsError('user_target_already_exists', 'A target with the same address already exists.')
        }
      }
      if (identifier !== undefined) {
        target.identifier = identifier
        target.expired = false
      }
      if (providerId !== undefined) target.providerId = providerId
      if (name !== undefined) target.name = name
      target.updatedAt = this.#core.clock.now()
      a.targets = targets
      updated = target
    })
    return updated as unknown as TargetRecord
  }

  /**
   * Deletes a target. The target of the account's own email or phone goes only with that
   * address (`updateEmail`, `updatePhone`): deleting it alone would be undone by the next
   * write, so it answers `400`.
   */
  async delete(accountId: string, targetId: string, type?: TargetType): Promise<void> {
    const id = v.text('targetId', targetId, 36)
    await this.#core.accounts.update(accountId, (a) => {
      const targets = targetsOf(a)
      const target = find(targets, id, type)
      if (isContactTarget(a, target)) {
        throw invalidParam('targetId', `An ${target.providerType} target is removed with the account's ${target.providerType === 'email' ? 'email' : 'phone'}.`)
      }
      a.targets = targets.filter((t) => t.id !== id)
    })
  }
}

function find(targets: TargetRecord[], targetId: string, type?: TargetType): TargetRecord {
  const target = targets.find((t) => t.id === targetId)
  // Another type's target by that id answers the same 404: the push routes never reach an
  // email or sms target (Appwrite's would overwrite an email target's address).
  if (!target || (type !== undefined && target.providerType !== type)) throw new AccountsError('user_target_not_found')
  return target
}

function targetType(value: unknown): TargetType {
  if (value === 'email' || value === 'sms' || value === 'push') return value
  throw invalidParam('providerType', 'Value must be one of (email, sms, push)')
}

function checkIdentifier(type: TargetType, value: unknown): string {
  if (type === 'email') return v.email('identifier', value)
  if (type === 'sms') return phone('identifier', value)
  return v.text('identifier', value, TARGET_IDENTIFIER_MAX)
}

function checkProviderId(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  const id = v.userId('providerId', value)
  if (id === null) throw invalidParam('providerId', 'Value must be a provider id, not unique().')
  return id
}
