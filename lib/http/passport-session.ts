import type { Request } from 'express'
import type { Accounts } from '../accounts.js'
import { impersonationOf } from './impersonation-headers.js'
import { toAccountModel, toSessionModel, type AccountModel } from '../models.js'
import type { SignIn } from '../core/sessions.js'
import { warnSecureSessionCookieOverHttp } from './insecure-cookie-warning.js'
import { prepareRequestProperties } from './request-properties.js'

/**
 * What express-session keeps for a passport login: a reference to a Session record, never
 * the account itself. Revoking the record (router, core, "log out everywhere", the cap of
 * 10) therefore logs the express-session user out on its next request.
 */
export interface PassportSessionRef {
  accountId: string
  sessionId: string
}

type Done<T> = (err: unknown, value?: T) => void

// The Session record behind each user object a strategy hands to passport, so
// `serializeUser` can store its reference. Weak: nothing outlives the request.
const signIns = new WeakMap<object, { accountId: string; sessionId: string }>()

/** Called by strategies on success: remembers which Session record `user` came with. */
function rememberSignIn(user: object, signIn: Pick<SignIn, 'account' | 'session'>): void {
  signIns.set(user, { accountId: signIn.account.id, sessionId: signIn.session.id })
}

/** The user object strategies hand to passport: the public Account model. */
export function userFor(signIn: Pick<SignIn, 'account' | 'session'>): AccountModel {
  const user = toAccountModel(signIn.account)
  rememberSignIn(user, signIn)
  return user
}

/**
 * `passport.serializeUser` for express-accounts. A user that came from one of our
 * strategies is stored as a reference to the Session record the sign-in created. A user
 * object your code passes to `req.login()` itself (with an Account `$id`) gets a new
 * Session record first, so it is listed and revocable like every other sign-in.
 */
export function serializer(accounts: Accounts) {
  return function serializeAccountUser(req: Request, user: unknown, done: Done<PassportSessionRef>): void {
    warnSecureSessionCookieOverHttp(accounts, req)
    const known = user && typeof user === 'object' ? signIns.get(user) : undefined
    if (known) return done(null, { accountId: known.accountId, sessionId: known.sessionId })
    const id = user && typeof user === 'object' ? (user as { $id?: unknown }).$id : undefined
    if (typeof id !== 'string') {
      return done(new TypeError('express-accounts serializeUser: expected an Account (with $id) from an express-accounts strategy'))
    }
    accounts
      .signIn(id, { ip: req.ip ?? '', userAgent: req.headers['user-agent'] ?? '' }, 'passport')
      .then((s) => done(null, { accountId: s.account.id, sessionId: s.session.id }), done)
  }
}

/**
 * `passport.deserializeUser` for express-accounts: one store round trip. A revoked, expired
 * or blocked session answers `false`, which makes passport drop the login.
 */
export function deserializer(accounts: Accounts) {
  return function deserializeAccountUser(req: Request, ref: unknown, done: Done<AccountModel | false>): void {
    if (!isRef(ref)) return done(null, false)
    const resolveUser = async (): Promise<AccountModel | false> => {
      const auth = await accounts.sessions.resolveById(ref.accountId, ref.sessionId)
      if (!auth || !auth.account.status) return false
      // An impersonator's passport login honours the impersonation headers as requireSession()
      // does (same checks); a refusal is an error (rendered with its status by the error
      // handler), never the caller silently acting as itself.
      const impersonated = await impersonationOf(accounts, req, auth)
      const user = toAccountModel(impersonated ? impersonated.auth.account : auth.account, { impersonatorUserId: impersonated ? auth.account.id : null })
      // Remembered as the impersonator's own login: a `req.login(req.user)` keeps it.
      rememberSignIn(user, auth)
      prepareRequestProperties(req)
      req.account = user
      req.accountSession = toSessionModel(auth.session, { current: true })
      if (impersonated) req.impersonatorId = auth.account.id
      return user
    }
    // `.then(ok, done)`: a throw inside `done(null, user)` is not fed back into `done`.
    resolveUser().then((user) => done(null, user), done)
  }
}

/**
 * Signs the passport user out: deletes the Session record, then `req.logout()` (which
 * clears it from express-session). Safe to call when nobody is signed in.
 */
export async function logOut(accounts: Accounts, req: Request): Promise<void> {
  const ref = passportRef(req)
  if (ref) {
    await accounts.sessions.delete(ref.accountId, ref.sessionId).catch((err: unknown) => {
      // Already gone (revoked elsewhere, evicted): signing out still succeeds.
      if ((err as { type?: string })?.type !== 'user_session_not_found') throw err
    })
  }
  const logout = (req as Request & { logout?: (cb: (err?: unknown) => void) => void }).logout
  if (typeof logout !== 'function') return
  await new Promise<void>((resolve, reject) => logout.call(req, (err) => (err ? reject(err) : resolve())))
}

/** The Session reference a passport login keeps in express-session, or null. */
export function passportRef(req: Request): PassportSessionRef | null {
  const ref = (req as Request & { session?: { passport?: { user?: unknown } } }).session?.passport?.user
  return isRef(ref) ? ref : null
}

function isRef(value: unknown): value is PassportSessionRef {
  if (!value || typeof value !== 'object') return false
  const { accountId, sessionId } = value as Record<string, unknown>
  return typeof accountId === 'string' && typeof sessionId === 'string' && accountId.length > 0 && sessionId.length > 0
}
