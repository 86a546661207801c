import type { Core } from './core/core.js'
import { scopeWith, SECURITY_EVENTS } from './core/security-log.js'
import type { ClientContext, SignIn } from './core/sessions.js'
import { AccountsError } from './errors.js'
import * as v from './validate.js'

/** Email + password sign-in. */
export class PasswordSignIn {
  readonly #core: Core

  constructor(core: Core) {
    this.#core = core
  }

  /**
   * Unknown email, password-less account and wrong password all answer the same 401 after
   * the same bcrypt work, so neither the answer nor its timing tells whether an account
   * exists. `user_blocked` is only revealed to the right password.
   */
  async signIn(input: { email: unknown; password: unknown }, client: ClientContext = {}): Promise<SignIn> {
    const { accounts, passwords, sessions, store } = this.#core
    const email = v.email('email', input.email)
    const password = v.password('password', input.password)
    const account = await accounts.findByEmail(email)
    // The client's share of the bcrypt queue (router and strategies set it; see BcryptGate).
    const charged = client.limitKey
    if (!account || account.passwordHash === null) {
      await passwords.burn(password, charged)
      throw new AccountsError('user_invalid_credentials')
    }
    if (!(await passwords.verify(password, account.passwordHash, charged))) {
      // Into the account's stranger lane: a flood of these only replaces older ones.
      await this.#core.securityLog.record(account, SECURITY_EVENTS.signInFailed, scopeWith(client))
      throw new AccountsError('user_invalid_credentials')
    }
    if (!account.status) throw new AccountsError('user_blocked')
    // Before the rehash below: a vetoed sign-in writes nothing.
    await sessions.vet(account, 'email')
    const checkedHash = account.passwordHash
    let rehashed: string | null = null
    let signedIn = account
    if (passwords.needsRehash(checkedHash)) {
      const hash = await passwords.hash(password, charged)
      rehashed = hash
      signedIn = await accounts.update(account.id, (a) => {
        // Only the hash that was checked is replaced: a reset or password change that landed
        // meanwhile must not be undone by this sign-in's rehash.
        if (a.passwordHash === checkedHash) a.passwordHash = hash
      }, false)
    }
    const signIn = await sessions.create(signedIn, { provider: 'email', providerUid: email, factors: ['password'], vetted: true }, client)
    // The password was checked before the bcrypt wait; if it changed (recovery, password
    // change) or the account was blocked meanwhile, this session must not outlive that. A
    // different hash can also be another sign-in's rehash of the same password: only then is
    // the (rare) second bcrypt check spent.
    const now = await store.getAccount(account.id)
    const samePassword =
      now !== null &&
      now.passwordHash !== null &&
      (now.passwordHash === checkedHash || now.passwordHash === rehashed || (await passwords.verify(password, now.passwordHash, charged)))
    if (!now || !now.status || !samePassword) {
      await sessions.delete(account.id, signIn.session.id).catch(() => undefined)
      throw new AccountsError(now && !now.status ? 'user_blocked' : 'user_invalid_credentials')
    }
    return signIn
  }
}
