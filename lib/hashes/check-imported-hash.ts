import { invalidParam, missingParam, type AccountsError } from '../errors.js'
import { HASH_LIMITS as L } from './hash-limits.js'
import { SHA_VERSIONS, isShaVersion, type HashName, type ImportedHash } from './imported-hash.js'
import { argon2Params } from './verify-argon2.js'
import { BCRYPT_PATTERN } from './verify-bcrypt.js'
import { DIGEST_BYTES } from './verify-digest.js'
import { PHPASS_PATTERN, phpassLog2 } from './verify-phpass.js'

/** The raw values of an import, whatever they were called on the way in. */
export interface HashFields {
  password: unknown
  salt?: unknown
  saltSeparator?: unknown
  signerKey?: unknown
  costCpu?: unknown
  costMemory?: unknown
  costParallel?: unknown
  length?: unknown
  version?: unknown
}

/** The name each field is reported under in a 400, e.g. `passwordCpu` or `hashOptions.costCpu`. */
export type FieldNames = Record<keyof HashFields, string>

/**
 * Checks every field of an import against its scheme and HASH_LIMITS and returns the typed
 * hash. Throws `AccountsError` 400 `general_argument_invalid` naming the first bad field, so
 * a router renders it as Appwrite does; nothing is verified or stored before this passed.
 */
export function checkImportedHash(hash: HashName, fields: HashFields, names: FieldNames): ImportedHash {
  const stored = text(fields.password, names.password, L.maxHashLength)
  const bad = (field: keyof HashFields, why: string): AccountsError => invalidParam(names[field], why)
  switch (hash) {
    case 'argon2': {
      const params = argon2Params(stored)
      if (!params) throw bad('password', 'Value must be an encoded argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash).')
      const { memoryCost, timeCost, threads } = params
      if (threads < 1 || threads > L.argon2MaxThreads) throw bad('password', `argon2 threads (p) must be between 1 and ${L.argon2MaxThreads}.`)
      if (timeCost < 1 || timeCost > L.argon2MaxTime) throw bad('password', `argon2 time cost (t) must be between 1 and ${L.argon2MaxTime}.`)
      if (memoryCost < 8 * threads || memoryCost > L.argon2MaxMemoryKiB) throw bad('password', `argon2 memory (m) must be between 8 KiB per thread and ${L.argon2MaxMemoryKiB} KiB.`)
      if (memoryCost * timeCost > L.argon2MaxWorkKiB) throw bad('password', `argon2 memory × time cost must not exceed ${L.argon2MaxWorkKiB}.`)
      return { hash, password: stored, hashOptions: { type: hash, memoryCost, timeCost, threads } }
    }
    case 'bcrypt':
      checkBcrypt(stored, (why) => bad('password', why))
      return { hash, password: stored, hashOptions: { type: hash } }
    case 'md5':
      hex(stored, DIGEST_BYTES.md5, (why) => bad('password', why))
      return { hash, password: stored, hashOptions: { type: hash } }
    case 'sha': {
      const version = fields.version === undefined || fields.version === '' ? 'sha256' : fields.version
      if (!isShaVersion(version)) throw bad('version', `Value must be one of (${SHA_VERSIONS.join(', ')})`)
      hex(stored, DIGEST_BYTES[version], (why) => bad('password', why))
      return { hash, password: stored, hashOptions: { type: hash, version } }
    }
    case 'phpass':
      if (BCRYPT_PATTERN.test(stored)) checkBcrypt(stored, (why) => bad('password', why))
      else if (!PHPASS_PATTERN.test(stored)) throw bad('password', 'Value must be a phpass hash ($P$ or $H$, 34 characters) or a bcrypt hash.')
      else {
        const log2 = phpassLog2(stored)
        if (log2 < 7 || log2 > L.phpassMaxLog2) throw bad('password', `phpass iteration count must be between 2^7 and 2^${L.phpassMaxLog2}.`)
      }
      return { hash, password: stored, hashOptions: { type: hash } }
    case 'scrypt': {
      const salt = text(fields.salt, names.salt, L.maxParamLength)
      const costCpu = integer(fields.costCpu, names.costCpu, 2, L.scryptMaxN)
      if ((costCpu & (costCpu - 1)) !== 0) throw bad('costCpu', 'Value must be a power of 2.')
      const costMemory = integer(fields.costMemory, names.costMemory, 1, L.scryptMaxR)
      const costParallel = integer(fields.costParallel, names.costParallel, 1, L.scryptMaxP)
      const length = integer(fields.length, names.length, L.scryptMinLength, L.scryptMaxLength)
      if (128 * costCpu * costMemory > L.scryptMaxMemoryBytes) throw bad('costMemory', `scrypt memory 128 × N × r must not exceed ${L.scryptMaxMemoryBytes} bytes.`)
      if (costCpu * costMemory * costParallel > L.scryptMaxWork) throw bad('costParallel', `scrypt work N × r × p must not exceed ${L.scryptMaxWork}.`)
      hex(stored, length, (why) => bad('password', why))
      return { hash, password: stored, hashOptions: { type: hash, salt, costCpu, costMemory, costParallel, length } }
    }
    case 'scryptMod': {
      const salt = base64(fields.salt, names.salt)
      const saltSeparator = base64(fields.saltSeparator, names.saltSeparator)
      const signerKey = base64(fields.signerKey, names.signerKey)
      base64(stored, names.password)
      if (Buffer.from(stored, 'base64').length !== Buffer.from(signerKey, 'base64').length) {
        throw bad('password', 'Value must be as long as the signer key once decoded (Firebase encrypts the signer key).')
      }
      return { hash, password: stored, hashOptions: { type: hash, salt, saltSeparator, signerKey } }
    }
  }
}

function checkBcrypt(stored: string, bad: (why: string) => AccountsError): void {
  const match = BCRYPT_PATTERN.exec(stored)
  if (!match) throw bad('Value must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters).')
  const cost = Number(match[1])
  if (cost < 4 || cost > L.bcryptMaxCost) throw bad(`bcrypt cost must be between 4 and ${L.bcryptMaxCost}.`)
}

function text(value: unknown, name: string, max: number): string {
  if (value === undefined || value === null) throw missingParam(name)
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw invalidParam(name, `Value must be a valid string and at least 1 chars and no longer than ${max} chars`)
  }
  return value
}

function integer(value: unknown, name: string, min: number, max: number): number {
  if (value === undefined || value === null) throw missingParam(name)
  const n = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidParam(name, `Value must be a valid range between ${min} and ${max}`)
  }
  return n
}

function hex(stored: string, bytes: number, bad: (why: string) => AccountsError): void {
  if (stored.length !== 2 * bytes || !/^[0-9a-fA-F]+$/.test(stored)) throw bad(`Value must be ${2 * bytes} hexadecimal digits.`)
}

/** Canonical padded base64 only: a lenient decoder would let two spellings of one key differ. */
function base64(value: unknown, name: string): string {
  const s = text(value, name, L.maxParamLength)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || Buffer.from(s, 'base64').toString('base64') !== s) {
    throw invalidParam(name, 'Value must be valid base64.')
  }
  return s
}
