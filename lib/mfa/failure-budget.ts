import { AccountsError } from '../errors.js'
import type { Store } from '../store/store.js'

/** Wrong second-factor answers allowed in a row before the cool-down. */
const MFA_MAX_FAILURES = 10
/** Cool-down after that, seconds; also how long a run of failures is remembered. */
const MFA_COOL_DOWN = 900

/**
 * One failure budget per account, shared by every second factor (TOTP, email and phone
 * codes, recovery codes, authenticator activation): guessing cannot be spread over
 * factors or challenges. Counted in the store, so it holds across processes.
 */
export class FailureBudget {
  readonly #store: Store

  constructor(store: Store) {
    this.#store = store
  }

  /** `429` while the account is cooling down. Call before checking an answer. */
  async check(accountId: string): Promise<void> {
    if ((await this.#store.peekHits(lockKey(accountId))).count > 0) {
      throw new AccountsError('general_rate_limit_exceeded', 'Too many wrong second-factor codes. Try again in 15 minutes.')
    }
  }

  /** Records a wrong answer; returns the error to throw (`401 user_invalid_token`). */
  async failed(accountId: string): Promise<AccountsError> {
    const { count } = await this.#store.hit(failKey(accountId), MFA_COOL_DOWN)
    if (count >= MFA_MAX_FAILURES) {
      await this.#store.hit(lockKey(accountId), MFA_COOL_DOWN)
      await this.#store.resetHits(failKey(accountId))
    }
    return new AccountsError('user_invalid_token')
  }

  /** A right answer ends the run of failures. */
  async succeeded(accountId: string): Promise<void> {
    await this.#store.resetHits(failKey(accountId))
  }
}

const failKey = (accountId: string) => `mfa-failures|${accountId}`
const lockKey = (accountId: string) => `mfa-cool-down|${accountId}`
