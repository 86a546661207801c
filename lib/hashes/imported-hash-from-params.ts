import { checkImportedHash, type FieldNames } from './check-imported-hash.js'
import type { HashName, ImportedHash } from './imported-hash.js'

/** node-appwrite's parameter names for the `createXUser` calls. */
const PARAM_NAMES: FieldNames = {
  password: 'password',
  salt: 'passwordSalt',
  saltSeparator: 'passwordSaltSeparator',
  signerKey: 'passwordSignerKey',
  costCpu: 'passwordCpu',
  costMemory: 'passwordMemory',
  costParallel: 'passwordParallel',
  length: 'passwordLength',
  version: 'passwordVersion',
}

/**
 * Appwrite's defaults for the optional `createScryptUser` parameters (N = 8, r = 14, p = 1,
 * 64 bytes). `passwordSalt` has none: an empty salt is refused, as Appwrite refuses it.
 */
const SCRYPT_DEFAULTS = { passwordCpu: 8, passwordMemory: 14, passwordParallel: 1, passwordLength: 64 }

/**
 * Builds the imported hash for one of the `POST /users/{argon2,bcrypt,md5,sha,phpass,scrypt,
 * scrypt-modified}` calls from its body parameters (`password` is the hash, not a plaintext),
 * applying Appwrite's defaults. Throws `AccountsError` 400 `general_argument_invalid`
 * naming the request parameter at fault.
 */
export function importedHashFromParams(hash: HashName, params: Record<string, unknown>): ImportedHash {
  const p = hash === 'scrypt' ? { ...SCRYPT_DEFAULTS, ...definedOnly(params) } : params
  return checkImportedHash(hash, {
    password: p.password,
    salt: p.passwordSalt,
    saltSeparator: p.passwordSaltSeparator,
    signerKey: p.passwordSignerKey,
    costCpu: p.passwordCpu,
    costMemory: p.passwordMemory,
    costParallel: p.passwordParallel,
    length: p.passwordLength,
    version: p.passwordVersion,
  }, PARAM_NAMES)
}

function definedOnly(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined))
}
