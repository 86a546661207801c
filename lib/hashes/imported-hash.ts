/**
 * A password hash imported from another system, in the shape Appwrite's User model carries
 * it: `hash` names the scheme, `hashOptions` its parameters, `password` the stored hash
 * itself (Appwrite's field name; never a plaintext password). Names and spellings follow
 * node-appwrite's `Models.Algo*` types and the `createXUser` parameters they come from.
 */

/** SHA variants accepted by `createSHAUser`'s `passwordVersion`, spelt as Appwrite spells them. */
export const SHA_VERSIONS = [
  'sha1', 'sha224', 'sha256', 'sha384', 'sha512/224', 'sha512/256', 'sha512',
  'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512',
] as const
/** A SHA variant Appwrite can import (`passwordVersion`). */
export type ShaVersion = (typeof SHA_VERSIONS)[number]

export function isShaVersion(value: unknown): value is ShaVersion {
  return (SHA_VERSIONS as readonly unknown[]).includes(value)
}

/** Scheme names as Appwrite stores them in the user's `hash` field. */
export const HASH_NAMES = ['argon2', 'bcrypt', 'md5', 'sha', 'phpass', 'scrypt', 'scryptMod'] as const
/** One of {@link HASH_NAMES}. */
export type HashName = (typeof HASH_NAMES)[number]

export function isHashName(value: unknown): value is HashName {
  return (HASH_NAMES as readonly unknown[]).includes(value)
}

/** `Models.AlgoArgon2`; memory in KiB. Always read back from the encoded hash, which is what verifies. */
export interface Argon2Options { type: 'argon2'; memoryCost: number; timeCost: number; threads: number }
/** `Models.AlgoScrypt` plus the salt Appwrite stores with it (the model omits it; verifying needs it). */
export interface ScryptOptions {
  type: 'scrypt'
  /** Salt, used as its UTF-8 bytes (`passwordSalt`). */
  salt: string
  /** scrypt N, a power of two (`passwordCpu`). */
  costCpu: number
  /** scrypt r, the block size (`passwordMemory`). */
  costMemory: number
  /** scrypt p (`passwordParallel`). */
  costParallel: number
  /** Derived key length in bytes; the stored hash is its lowercase hex (`passwordLength`). */
  length: number
}
/** `Models.AlgoScryptModified` (Firebase): every field is base64, as Firebase exports it. */
export interface ScryptModifiedOptions { type: 'scryptMod'; salt: string; saltSeparator: string; signerKey: string }
/** `Models.AlgoSha` plus the version Appwrite stores with it. */
export interface ShaOptions { type: 'sha'; version: ShaVersion }

/** A password hash imported from Appwrite or another system: the scheme, the stored hash and its parameters. */
export type ImportedHash =
  | { hash: 'argon2'; password: string; hashOptions: Argon2Options }
  | { hash: 'bcrypt'; password: string; hashOptions: { type: 'bcrypt' } }
  | { hash: 'md5'; password: string; hashOptions: { type: 'md5' } }
  | { hash: 'sha'; password: string; hashOptions: ShaOptions }
  | { hash: 'phpass'; password: string; hashOptions: { type: 'phpass' } }
  | { hash: 'scrypt'; password: string; hashOptions: ScryptOptions }
  | { hash: 'scryptMod'; password: string; hashOptions: ScryptModifiedOptions }
