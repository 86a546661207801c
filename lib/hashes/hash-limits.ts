/**
 * Upper bounds on every cost parameter an imported hash can carry. An imported hash decides
 * how much CPU and memory each sign-in attempt spends, and anyone can attempt a sign-in, so a
 * hash past these bounds is refused at import and never verified. Each bound admits the
 * defaults of the systems users come from (noted) with room to spare.
 */
export const HASH_LIMITS = {
  /** argon2 memory in KiB: 128 MiB (PHP/Appwrite default 64 MiB). */
  argon2MaxMemoryKiB: 131_072,
  /** argon2 passes (Appwrite default 4, libsodium "moderate" 3). */
  argon2MaxTime: 10,
  /** argon2 memory × passes in KiB: 512 MiB-passes, so 128 MiB × 4 or 64 MiB × 8 at most. */
  argon2MaxWorkKiB: 524_288,
  /** argon2 lanes. */
  argon2MaxThreads: 16,
  /** bcrypt cost (2^cost rounds): 14 is about 1 s on one core; exports rarely pass 12 (Appwrite writes 8). */
  bcryptMaxCost: 14,
  /**
   * phpass log2 of MD5 iterations: WordPress writes 13 (`$P$B`), phpBB 11 (`$H$9`). 2^16 took
   * 0.2–0.4 s here (2 loaded cores), on the main thread in slices; 2^17 took 0.8–1.6 s.
   */
  phpassMaxLog2: 16,
  /** scrypt N (`costCpu`). */
  scryptMaxN: 1_048_576,
  /** scrypt r (`costMemory`). */
  scryptMaxR: 32,
  /** scrypt p (`costParallel`). */
  scryptMaxP: 16,
  /** scrypt memory 128·N·r in bytes: 64 MiB (Firebase N=2^14, r=8 uses 16 MiB). */
  scryptMaxMemoryBytes: 64 * 1024 * 1024,
  /** scrypt work N·r·p (Firebase: 2^17). */
  scryptMaxWork: 4_194_304,
  /** scrypt derived key length in bytes (Appwrite requires at least 16, defaults to 64). */
  scryptMinLength: 16,
  scryptMaxLength: 128,
  /** Any text parameter (salt, separator, signer key) and the stored hash, in characters (Appwrite's Text(128); hashes fit in 256). */
  maxParamLength: 128,
  maxHashLength: 256,
} as const
