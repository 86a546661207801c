import { createHash } from 'node:crypto'
import { newId } from '../secrets.js'
import type { AccountRecord, TargetRecord } from '../store/store.js'

/**
 * The id an email or sms target gets when it is first made: derived from the account id, the
 * type and the address, so a record written before targets were stored (whose Account model
 * showed these same derived ids) keeps its target ids once they are stored.
 */
export function contactTargetId(accountId: string, providerType: 'email' | 'sms', identifier: string): string {
  return createHash('sha256').update(`${accountId}:${providerType}:${identifier}`).digest('hex').slice(0, 20)
}

/** The account's targets as they should be read: stored ones, or derived for a record from before targets were stored. */
export function targetsOf(account: AccountRecord): TargetRecord[] {
  if (account.targets) return account.targets
  const derived: TargetRecord[] = []
  const make = (providerType: 'email' | 'sms', identifier: string): TargetRecord => ({
    id: contactTargetId(account.id, providerType, identifier),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    providerType,
    identifier,
    providerId: null,
    name: '',
    expired: false,
  })
  if (account.email) derived.push(make('email', account.email))
  if (account.phone) derived.push(make('sms', account.phone))
  return derived
}

/** Whether this is the target of the account's own email or phone (which follows it), not an extra one. */
export function isContactTarget(account: AccountRecord, target: TargetRecord): boolean {
  if (target.providerType === 'email') return account.email !== '' && target.identifier === account.email
  if (target.providerType === 'sms') return account.phone !== '' && target.identifier === account.phone
  return false
}

/**
 * Keeps the email and sms targets in step with the account's email and phone, in the record
 * about to be written (so in the same atomic write as the change itself), as Appwrite does: a
 * new address gets a target, a changed one updates the old address' target in place (same id),
 * a removed one drops it. Extra email / sms targets (another address, added through the core
 * API) and push targets are left alone. Every account write in the core passes here, so no
 * feature can change an address and forget its target.
 *
 * `before`: the record as stored (null for a new account).
 */
export function syncContactTargets(before: AccountRecord | null, next: AccountRecord, now: number): void {
  // A record from before targets were stored: start from what its model showed (derived from
  // the addresses as stored), so the ids shown so far are the ones kept.
  const base = next.targets ?? (before ? targetsOf(before) : [])
  const targets = base.map((t) => ({ ...t }))
  sync(targets, next.id, 'email', before?.email ?? '', next.email, now)
  sync(targets, next.id, 'sms', before?.phone ?? '', next.phone, now)
  next.targets = targets
}

function sync(targets: TargetRecord[], accountId: string, type: 'email' | 'sms', was: string, address: string, now: number): void {
  const indexOf = (identifier: string) => targets.findIndex((t) => t.providerType === type && t.identifier === identifier)
  const old = was === '' || was === address ? -1 : indexOf(was)
  const current = address === '' ? -1 : indexOf(address)
  if (old !== -1) {
    const target = targets[old] as TargetRecord
    if (address === '' || current !== -1) {
      // Removed, or the new address already has a target of its own: the old one goes.
      targets.splice(old, 1)
      return
    }
    target.identifier = address
    target.updatedAt = now
    target.expired = false
    return
  }
  if (address === '' || current !== -1) return
  // A push target's id is the client's choice: one that happens to equal the derived id must
  // not make two targets share an id, so the new one then takes a random id.
  const derived = contactTargetId(accountId, type, address)
  const id = targets.some((t) => t.id === derived) ? newId() : derived
  targets.push({ id, createdAt: now, updatedAt: now, providerType: type, identifier: address, providerId: null, name: '', expired: false })
}
