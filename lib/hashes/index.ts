export { verifyImportedHash } from './verify-imported-hash.js'
export { parseImportedHash } from './parse-imported-hash.js'
export { importedHashFromParams } from './imported-hash-from-params.js'
export { HASH_LIMITS } from './hash-limits.js'
export { HASH_NAMES, SHA_VERSIONS } from './imported-hash.js'
export type {
  ImportedHash, HashName, ShaVersion, Argon2Options, ScryptOptions, ScryptModifiedOptions, ShaOptions,
} from './imported-hash.js'
