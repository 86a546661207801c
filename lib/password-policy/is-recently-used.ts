/** Checks a password against one stored hash: `Passwords.verify`, so the work goes through the bcrypt gate. */
export type VerifyHash = (password: string, hash: string) => Promise<boolean>

/**
 * True when the password matches one of the last `size` hashes of `history` (oldest first,
 * the current password's hash last, as Appwrite keeps `passwordHistory`). Hashes are
 * lib/password.ts's bcrypt over a SHA-256 pre-hash; empty entries are skipped.
 *
 * One comparison at a time, not `Promise.all`: bcrypt runs on libuv's 4-thread pool, and 20
 * parallel comparisons for one password change would queue every other request's sign-in
 * behind them. Sequential also stops at the first match.
 */
export async function isRecentlyUsed(password: string, history: readonly string[], size: number, verify: VerifyHash): Promise<boolean> {
  if (size <= 0) return false
  for (const hash of history.slice(-size)) {
    if (typeof hash === 'string' && hash !== '' && (await verify(password, hash))) return true
  }
  return false
}

/** The history to store after a change to `newHash`: the last `size` hashes, oldest first. */
export function nextPasswordHistory(history: readonly string[], newHash: string, size: number): string[] {
  if (size <= 0) return []
  return [...history, newHash].slice(-size)
}
