import { invalidParam, missingParam } from '../errors.js'
import { checkImportedHash, type FieldNames } from './check-imported-hash.js'
import { HASH_NAMES, isHashName, type ImportedHash } from './imported-hash.js'

const MODEL_NAMES: FieldNames = {
  password: 'password',
  salt: 'hashOptions.salt',
  saltSeparator: 'hashOptions.saltSeparator',
  signerKey: 'hashOptions.signerKey',
  costCpu: 'hashOptions.costCpu',
  costMemory: 'hashOptions.costMemory',
  costParallel: 'hashOptions.costParallel',
  length: 'hashOptions.length',
  version: 'hashOptions.version',
}

/**
 * Reads an imported hash in the User model's shape (`{ hash, hashOptions, password }`, as
 * Appwrite's Users API returns it to a migration) and checks it. Unknown `hashOptions` keys are
 * dropped; a `hashOptions.type` that names another scheme is refused. Throws `AccountsError`
 * 400 `general_argument_invalid` naming the bad field.
 */
export function parseImportedHash(input: unknown): ImportedHash {
  if (typeof input !== 'object' || input === null) throw invalidParam('hash', 'Value must be an object.')
  const { hash, hashOptions = {}, password } = input as Record<string, unknown>
  if (hash === undefined) throw missingParam('hash')
  if (!isHashName(hash)) throw invalidParam('hash', `Value must be one of (${HASH_NAMES.join(', ')})`)
  if (typeof hashOptions !== 'object' || hashOptions === null || Array.isArray(hashOptions)) {
    throw invalidParam('hashOptions', 'Value must be an object.')
  }
  const options = hashOptions as Record<string, unknown>
  if (options.type !== undefined && options.type !== hash) throw invalidParam('hashOptions.type', `Value must be ${String(hash)}.`)
  return checkImportedHash(hash, { ...options, password }, MODEL_NAMES)
}
