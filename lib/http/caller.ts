import type { IncomingHttpHeaders } from 'node:http'
import type { Request, Response } from 'express'
import type { Accounts } from '../accounts.js'
import { AccountsError } from '../errors.js'
import type { Authenticated } from '../core/sessions.js'
import type { JwtClaims } from '../core/jwt.js'
import type { AccountRecord } from '../store/store.js'
import { safeEqual } from '../secrets.js'
import type { SessionValue } from '../session-value.js'
import { jwtIn, sessionCarrierIn, single, type CarrierSource, type FoundCarrier } from './carriers.js'

/** Who is calling, resolved once per request by `identify` and kept in `res.locals`. */
export interface Caller {
  /** Authenticated with a configured `X-Appwrite-Key`: sees secrets, skips rate limits. */
  isKey: boolean
  /** The signed-in account and session, or null for a guest. */
  auth: Authenticated | null
  /** Where the session value came from (null when none was presented). */
  source: CarrierSource | null
  /** The session value presented, when it opened a live session. */
  value: SessionValue | null
  /**
   * Set when an impersonator acts as another account (`lib/http/impersonate.ts`): `auth` is
   * then the impersonated account with the impersonator's session, and this is who asked.
   */
  impersonator?: AccountRecord | null
}

const LOCALS_KEY = 'expressAccountsCaller'

export function callerOf(res: Response): Caller {
  const caller = res.locals[LOCALS_KEY] as Caller | undefined
  if (!caller) throw new Error('express-accounts: caller read before identify() ran')
  return caller
}

/** The project named by the request: `project` param, else `X-Appwrite-Project`. */
function requestedProject(req: Request): string {
  const fromQuery = typeof req.query?.project === 'string' ? req.query.project : undefined
  const body = req.body as Record<string, unknown> | undefined
  const fromBody = body && typeof body === 'object' && typeof body.project === 'string' ? body.project : undefined
  return fromQuery ?? fromBody ?? single(req.headers['x-appwrite-project']) ?? ''
}

/**
 * Resolves the caller: project (404 when another project is named), API key, then the
 * session carrier. An invalid, expired or unknown session is not an error: the caller is a
 * guest, as in Appwrite. One store round trip at most.
 */
async function resolveCaller(req: Request, accounts: Accounts): Promise<Caller> {
  const { project, apiKeys } = accounts.options
  const named = requestedProject(req)
  // An empty project means "not said" here (plain HTTP clients); Appwrite would read it as
  // the console project, which a mounted router does not have.
  if (named !== '' && named !== project) throw new AccountsError('project_not_found')
  let isKey = false
  const key = single(req.headers['x-appwrite-key'])
  if (key !== undefined) {
    // Compare against every key in constant time so timing does not reveal a prefix match.
    isKey = apiKeys.reduce((found, k) => safeEqual(k, key) || found, false)
    if (!isKey) throw new AccountsError('general_unauthorized_scope', 'Invalid API key passed in X-Appwrite-Key.')
  }
  return { isKey, ...(await authenticate(req, accounts)) }
}

/** A request's carriers, read and (a JWT) verified, before any store lookup. */
export interface Carriers {
  carrier: FoundCarrier | null
  /** The verified JWT's claims, when one was sent. */
  jwt: JwtClaims | null
}

/**
 * Reads the session carrier and the JWT of a request. A JWT must verify (else
 * `401 user_jwt_invalid`, thrown here).
 */
export function readCarriers(req: Request, accounts: Accounts): Carriers {
  return carriersIn(req.headers, accounts)
}

/** {@link readCarriers} from the request's headers (read once, see `sessionCarrierIn`). */
export function carriersIn(headers: IncomingHttpHeaders, accounts: Accounts): Carriers {
  const carrier = sessionCarrierIn(headers, accounts.options.project)
  const token = jwtIn(headers)
  return { carrier, jwt: token === null ? null : accounts.jwts.verify(token) }
}

/**
 * {@link authenticate} without waiting, when the store has the records at hand (MemoryStore,
 * a client-side cache hit): the same answer, or `undefined` when the store must be asked.
 */
export function authenticateAtHand(accounts: Accounts, found: Carriers): Omit<Caller, 'isKey'> | undefined {
  const { carrier, jwt } = found
  if (jwt !== null) {
    const viaJwt = accounts.sessions.resolveByIdAtHand(jwt.userId, jwt.sessionId)
    const viaSession = carrier ? accounts.sessions.resolveAtHand(carrier.value) : null
    return viaJwt === undefined || viaSession === undefined ? undefined : jwtOutcome(viaJwt, viaSession)
  }
  if (!carrier) return GUEST
  const auth = accounts.sessions.resolveAtHand(carrier.value)
  return auth === undefined ? undefined : sessionOutcome(auth, carrier)
}

/**
 * The signed-in account behind a request's carriers, or a guest. A JWT must verify (else
 * `401 user_jwt_invalid`) and must come alone: with a live session carrier too, the answer is
 * `403 user_jwt_and_cookie_set`. Both lookups are issued together, so even then the store
 * sees one round trip (node-redis pipelines commands sent in the same tick).
 */
export async function authenticate(req: Request, accounts: Accounts): Promise<Omit<Caller, 'isKey'>> {
  return authenticateCarriers(accounts, readCarriers(req, accounts))
}

/** {@link authenticate} of carriers already read. */
export function authenticateCarriers(accounts: Accounts, found: Carriers): Promise<Omit<Caller, 'isKey'>> {
  const { carrier, jwt } = found
  if (jwt !== null) {
    if (!carrier) return accounts.sessions.resolveById(jwt.userId, jwt.sessionId).then((viaJwt) => jwtOutcome(viaJwt, null))
    return Promise.all([accounts.sessions.resolveById(jwt.userId, jwt.sessionId), accounts.sessions.resolve(carrier.value)])
      .then(([viaJwt, viaSession]) => jwtOutcome(viaJwt, viaSession))
  }
  if (!carrier) return Promise.resolve(GUEST)
  return accounts.sessions.resolve(carrier.value).then((auth) => sessionOutcome(auth, carrier))
}

const GUEST: Omit<Caller, 'isKey'> = Object.freeze({ auth: null, source: null, value: null })

function jwtOutcome(viaJwt: Authenticated | null, viaSession: Authenticated | null): Omit<Caller, 'isKey'> {
  if (viaSession) throw new AccountsError('user_jwt_and_cookie_set')
  return { auth: viaJwt, source: viaJwt ? 'jwt' : null, value: null }
}

function sessionOutcome(auth: Authenticated | null, carrier: FoundCarrier): Omit<Caller, 'isKey'> {
  return { auth, source: carrier.source, value: auth ? carrier.value : null }
}

export async function identify(req: Request, res: Response, accounts: Accounts): Promise<Caller> {
  const caller = await resolveCaller(req, accounts)
  res.locals[LOCALS_KEY] = caller
  return caller
}
