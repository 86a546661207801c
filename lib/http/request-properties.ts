import { IncomingMessage } from 'node:http'
import { toSessionModel, type AccountModel, type SessionModel } from '../models.js'
import type { SessionRecord } from '../store/store.js'

/** What `requireSession()`, the passport deserializer and the strategies put on a request. */
interface Found {
  account: AccountModel | undefined
  accountSession: SessionModel | undefined
  impersonatorId: string | undefined
  /** The session `accountSession` is built from on first read (see {@link setFound}). */
  sessionRecord: SessionRecord | undefined
  sessionCurrent: boolean
}

/** One shape for every request's values (an object literal per request, no dictionary). */
function newFound(): Found {
  return { account: undefined, accountSession: undefined, impersonatorId: undefined, sessionRecord: undefined, sessionCurrent: false }
}

function valuesOf(req: object): Found {
  let values = found.get(req)
  if (values === undefined) {
    values = newFound()
    found.set(req, values)
  }
  return values
}

const NAMES = ['account', 'accountSession', 'impersonatorId'] as const

/** Per request, what was found; gone with the request (keyed weakly). */
const found = new WeakMap<object, Found>()

/**
 * Request prototypes already looked at (one per Express app and sub-app), each with whether
 * its requests see our accessors for all three names (else nothing on the chain is ours, or
 * something shadows one of them: then they are set as plain properties).
 */
const prepared = new WeakMap<object, boolean>()

/** The accessors this module defined, to tell them from an app's own. */
const ours = new WeakSet<object>()

/**
 * Makes `req.account`, `req.accountSession` and `req.impersonatorId` cheap to set on this
 * request (and on every later one of its app): call it before assigning them.
 *
 * Why: Express 5 gives each request its app's prototype with `Object.setPrototypeOf`, and V8
 * does not cache the hidden-class transitions of an object whose prototype was changed that
 * way. Every property then added to such a `req` builds a new hidden class in the old
 * generation, copying the descriptors of the request's forty-odd properties: about 2 µs per
 * property plus the major GCs that collect them, on every request (measured: with four such
 * properties it was a fifth of `requireSession()`'s own cost). So these are accessors on
 * Express' base request prototype, the one every app's `req` inherits from, keeping their
 * values in a WeakMap keyed by the request: setting them adds no property to `req`. They read
 * and write as plain properties (`req.account = x` works) but are not own or enumerable. A name
 * the app (or another library) already defines anywhere on the chain is left alone, so it is a
 * plain property as before. `req.accountSession` is built on its first read (see
 * {@link setFound}).
 *
 * Security: `delete req.account` cannot be seen by an accessor, so it leaves the value in
 * place; assign `undefined` instead (documented). `req.user` is deliberately not one of them:
 * passport and apps own it, and `delete req.user` must de-authenticate the request (passport's
 * `isAuthenticated()` reads it), so requireSession() sets it as the plain own property it
 * always was, at the cost of one new hidden class.
 */
export function prepareRequestProperties(req: object): void {
  const proto = Object.getPrototypeOf(req) as object | null
  if (proto === null || prepared.has(proto)) return
  prepared.set(proto, false)
  // The base of the chain: the object whose prototype is IncomingMessage's (Express' own
  // `request`). A request that is not an http.IncomingMessage (a test double, another
  // framework) keeps plain properties.
  let base: object | null = proto
  while (base !== null && Object.getPrototypeOf(base) !== IncomingMessage.prototype) base = Object.getPrototypeOf(base) as object | null
  if (base === null) return
  for (const name of NAMES) {
    if (name in base) continue
    const get = name === 'accountSession' ? getAccountSession : function get(this: object) {
      return found.get(this)?.[name]
    }
    ours.add(get)
    Object.defineProperty(base, name, {
      configurable: true,
      enumerable: false,
      get,
      set(this: object, value: unknown) {
        const values = valuesOf(this)
        values[name] = value as never
        // An assigned session model replaces the one still to be built.
        if (name === 'accountSession') values.sessionRecord = undefined
      },
    })
  }
  // What this app's requests see: ours unless something on the chain shadows one of them.
  prepared.set(proto, NAMES.every((name) => ours.has(visibleGetter(proto, name) as object)))
}

/** The getter an object's `name` resolves to along its prototype chain, if it is an accessor. */
function visibleGetter(from: object, name: string): unknown {
  // (undefined for a plain value or nothing, which `ours.has` answers false for)
  let holder: object | null = from
  while (holder !== null && !Object.hasOwn(holder, name)) holder = Object.getPrototypeOf(holder) as object | null
  return holder === null ? undefined : Object.getOwnPropertyDescriptor(holder, name)?.get
}

function getAccountSession(this: object): SessionModel | undefined {
  const values = found.get(this)
  if (values === undefined) return undefined
  if (values.sessionRecord !== undefined) {
    values.accountSession = toSessionModel(values.sessionRecord, { current: values.sessionCurrent })
    values.sessionRecord = undefined
  }
  return values.accountSession
}

/**
 * What `requireSession()` admits a request with, set in one go: `req.account`,
 * `req.impersonatorId` (when given) and `req.accountSession`, the last built on its first read
 * (most handlers never look at it, and it is the larger of the two models; the record is a
 * stored version, so the model read later is the one it would have been now). Where this app's
 * requests see our accessors, the values go straight into the request's entry: one WeakMap
 * lookup, no setter looked up the prototype chain per name (each Express 5 request has a hidden
 * class of its own, so each such lookup misses every cache). Else (an app's own accessor or
 * value for one of the names, or an own property of the request) plain assignments.
 * `req.impersonatorId` is always the admitted one: undefined when no one is impersonated.
 */
export function setFound(req: FoundProperties, account: AccountModel, impersonatorId: string | undefined, session: SessionRecord, current: boolean): void {
  const proto = Object.getPrototypeOf(req) as object | null
  let ownAccessors = proto === null ? false : prepared.get(proto)
  if (ownAccessors === undefined) {
    prepareRequestProperties(req)
    ownAccessors = prepared.get(proto!) === true
  }
  // Security: the entry is what our accessors read, but an own property of the request shadows
  // them (a layer in front of Express assigned the name while the request's prototype was still
  // IncomingMessage's, or a middleware defined it on the request): writing only the entry would
  // leave the handler that planted value instead of the account just admitted. So any own one
  // sends the request down the plain assignments, which replace it. Checked per request: an own
  // property is the request's, not its prototype's.
  if (!ownAccessors || Object.hasOwn(req, 'account') || Object.hasOwn(req, 'accountSession') || Object.hasOwn(req, 'impersonatorId')) {
    req.account = account
    // Cleared too when no one is impersonated: an earlier value must not outlive the account it
    // came with (assigned only then, so an app's own prototype property is not made own for nothing).
    if (impersonatorId !== undefined || req.impersonatorId !== undefined) req.impersonatorId = impersonatorId
    req.accountSession = toSessionModel(session, { current })
    return
  }
  const values = valuesOf(req)
  values.account = account
  values.impersonatorId = impersonatorId
  values.accountSession = undefined
  values.sessionRecord = session
  values.sessionCurrent = current
}

/** The request properties this module manages, as `setFound` writes them. */
interface FoundProperties {
  account?: AccountModel | undefined
  accountSession?: SessionModel | undefined
  impersonatorId?: string | undefined
}
