import { blankAccount } from '../core/account-records.js'
import { isHashName } from '../hashes/imported-hash.js'
import { verifiableBcryptCost } from '../hashes/own-bcrypt-cost.js'
import { parseImportedHash } from '../hashes/parse-imported-hash.js'
import { encodeImportedHash } from '../hashes/stored-imported-hash.js'
import { labels as validLabels } from '../labels.js'
import { phone as validPhone } from '../phone.js'
import type { AccountRecord, TargetRecord } from '../store/store.js'
import { isOwnHash } from '../users/hash-fields.js'
import * as v from '../validate.js'

/** The fields of an Appwrite User model (`Models.User`) a migration reads. */
export interface SourceUser {
  $id: string
  $createdAt: string
  $updatedAt: string
  name: string
  password?: string
  hash?: string
  hashOptions?: object
  registration: string
  status: boolean
  labels: string[]
  passwordUpdate: string
  email: string
  phone: string
  emailVerification: boolean
  phoneVerification: boolean
  mfa: boolean
  prefs: object
  accessedAt: string
  /** Appwrite 1.8+ (older sources and Appwrite before 1.8 have none: false). */
  impersonator?: boolean
  /** Appwrite 1.5+: the user's messaging targets (`Models.Target`). */
  targets?: SourceTarget[]
}

/** The fields of an Appwrite Target model a migration reads. */
export interface SourceTarget {
  $id: string
  $createdAt: string
  $updatedAt: string
  name: string
  providerId?: string | null
  providerType: string
  identifier: string
  expired?: boolean
}

/** Why a user's password could not be carried over (the user then has to reset it). */
export type PasswordLoss = 'unsupported-hash' | 'invalid-hash' | null

/**
 * The account record a source user becomes: every profile field as is, and its password hash
 * — the project's own (`bcrypt` with `preHash: sha256`, from another express-accounts) kept verbatim, another
 * scheme stored as an imported hash (rehashed on the user's first sign-in). TOTP
 * authenticators and recovery codes are not readable through the Users API and do not move.
 */
export function userRecord(u: SourceUser, now: number): { record: AccountRecord; passwordLoss: PasswordLoss } {
  const record = blankAccount(u.$id, now)
  record.createdAt = time(u.$createdAt, now)
  record.updatedAt = time(u.$updatedAt, now)
  record.registration = time(u.registration, record.createdAt)
  record.accessedAt = time(u.accessedAt, record.createdAt)
  // Security: the source is another server, not trusted to have kept Appwrite's rules. Each
  // field passes what `POST /users` checks (a 400 AccountsError otherwise: the user is reported
  // as failed and not written), so no record reaches the store that the API could not make.
  record.name = u.name === undefined || u.name === null ? '' : v.name('name', u.name, true)
  record.email = u.email === undefined || u.email === null || u.email === '' ? '' : v.email('email', u.email)
  record.phone = u.phone === undefined || u.phone === null || u.phone === '' ? '' : validPhone('phone', u.phone)
  record.emailVerification = Boolean(record.email) && u.emailVerification === true
  record.phoneVerification = Boolean(record.phone) && u.phoneVerification === true
  record.status = u.status !== false
  record.labels = validLabels('labels', u.labels ?? [])
  record.mfa = u.mfa === true
  record.prefs = u.prefs === undefined || u.prefs === null ? {} : v.prefs('prefs', u.prefs)
  record.impersonator = u.impersonator === true
  // With their ids (a device's push target keeps working). The email / sms targets of the
  // user's own address are matched to it on insert (contact-targets.ts); one the source lacks is made.
  record.targets = targetRecords(u.targets, record.createdAt)
  let passwordLoss: PasswordLoss = null
  const password = u.password ?? ''
  if (password !== '') {
    if (isOwnHash(u.hash, u.hashOptions)) {
      // Kept verbatim only when it is a bcrypt string of a bounded cost: the source is not
      // trusted to name the CPU time of every later sign-in attempt (lib/hashes/own-bcrypt-cost.ts).
      if (verifiableBcryptCost(password) !== null) record.passwordHash = password
      else passwordLoss = 'invalid-hash'
    } else if (isHashName(u.hash)) {
      try {
        record.passwordHash = encodeImportedHash(parseImportedHash({ hash: u.hash, hashOptions: u.hashOptions ?? {}, password }))
      } catch {
        // E.g. Appwrite's own scrypt users: its User model leaves the salt out.
        passwordLoss = 'invalid-hash'
      }
    } else {
      passwordLoss = 'unsupported-hash'
    }
    if (record.passwordHash !== null) record.passwordUpdatedAt = time(u.passwordUpdate, record.createdAt)
  }
  return { record, passwordLoss }
}

function targetRecords(targets: SourceTarget[] | undefined, fallback: number): TargetRecord[] {
  if (!Array.isArray(targets)) return []
  const seen = new Set<string>()
  const out: TargetRecord[] = []
  for (const t of targets) {
    const type = t?.providerType
    if ((type !== 'email' && type !== 'sms' && type !== 'push') || typeof t.$id !== 'string' || typeof t.identifier !== 'string') continue
    if (t.$id === '' || t.identifier === '' || seen.has(t.$id)) continue
    seen.add(t.$id)
    const createdAt = time(t.$createdAt, fallback)
    out.push({
      id: t.$id, createdAt, updatedAt: time(t.$updatedAt, createdAt), providerType: type, identifier: type === 'email' ? t.identifier.toLowerCase() : t.identifier,
      providerId: typeof t.providerId === 'string' && t.providerId !== '' ? t.providerId : null, name: typeof t.name === 'string' ? t.name : '', expired: t.expired === true,
    })
  }
  return out
}

function time(value: string | undefined, fallback: number): number {
  const ms = value ? Date.parse(value) : Number.NaN
  return Number.isFinite(ms) ? ms : fallback
}
