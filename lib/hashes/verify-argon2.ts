import argon2 from 'argon2'

/**
 * The PHC string PHP's `password_hash` (Appwrite) and the reference `argon2` CLI write:
 * `$argon2id$v=19$m=65536,t=4,p=3$<salt>$<hash>`, salt and hash in unpadded base64. Extra
 * parameters (`keyid`, `data`) are not accepted: neither writes them and verifying them would
 * need secrets we do not have.
 */
const ARGON2_PATTERN = /^\$argon2(id|i|d)\$(?:v=(16|19)\$)?m=(\d{1,8}),t=(\d{1,4}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/

export interface Argon2Params { memoryCost: number; timeCost: number; threads: number }

/** The cost parameters an encoded argon2 hash carries, or `undefined` when it is not one. */
export function argon2Params(hash: string): Argon2Params | undefined {
  const match = ARGON2_PATTERN.exec(hash)
  if (!match) return undefined
  return { memoryCost: Number(match[3]), timeCost: Number(match[4]), threads: Number(match[5]) }
}

/**
 * Like PHP's `password_verify`, the parameters come from the encoded hash itself (Appwrite's
 * `hashOptions` only describe it). The `argon2` package compares in constant time.
 */
export async function verifyArgon2(password: string, hash: string): Promise<boolean> {
  return argon2.verify(hash, password)
}
