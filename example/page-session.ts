/**
 * Which of the example's pages a browser may see, decided on the server from its session
 * cookie before the page is sent: guests get the sign-in pages, a session that still owes
 * its second factor gets the challenge, a full session gets the account pages. So a gated
 * sign-in lands on the challenge whichever way it came (password, code, magic link, OAuth2),
 * and nobody sees a page flash before a redirect. The data on the pages is read by the
 * browser itself, with Appwrite's web SDK.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { parse as parseCookies } from 'cookie'
import { decodeSessionValue, type Authenticated, type ExpressAccounts } from '../lib/index.js'

export type PageState =
  | { kind: 'guest' }
  | { kind: 'owes-factor'; auth: Authenticated }
  | { kind: 'signed-in'; auth: Authenticated }

export const CHALLENGE_PATH = '/mfa/challenge'
const ACCOUNT_PATH = '/account'

/** Reads the browser's `a_session_<project>` cookie, the one the API sets. */
async function pageState(accounts: ExpressAccounts, req: Request): Promise<PageState> {
  const cookies = parseCookies(req.headers.cookie ?? '')
  const value = decodeSessionValue(cookies[`a_session_${accounts.options.project}`])
  const auth = value ? await accounts.sessions.resolve(value) : null
  // A blocked account is signed out everywhere, as on the API.
  if (!auth || !auth.account.status) return { kind: 'guest' }
  return accounts.mfa.needsMoreFactors(auth.account, auth.session) ? { kind: 'owes-factor', auth } : { kind: 'signed-in', auth }
}

type Render = (req: Request, res: Response, state: PageState) => string | Promise<string>

/** Page headers: never cached (they carry per-user markup), and the example's CSP. */
function send(res: Response, csp: string, body: string): void {
  res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': csp })
  res.type('html').send(body)
}

/**
 * A route for a page that only `allowed` states may see; the others are redirected to where
 * they belong (guest → `/`, owes a factor → the challenge, signed in → the account page).
 */
export function page(accounts: ExpressAccounts, csp: string, allowed: Array<PageState['kind']>, render: Render): RequestHandler {
  return async function examplePage(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const state = await pageState(accounts, req)
      if (!allowed.includes(state.kind)) {
        res.set('Cache-Control', 'no-store')
        return res.redirect(302, state.kind === 'guest' ? '/' : state.kind === 'owes-factor' ? CHALLENGE_PATH : ACCOUNT_PATH)
      }
      send(res, csp, await render(req, res, state))
    } catch (err) {
      next(err)
    }
  }
}

/** The name the header shows for an account: its name, else its email or phone, else "Guest". */
export function displayName(auth: Authenticated): string {
  const a = auth.account
  return a.name || a.email || a.phone || 'Guest account'
}
