/**
 * The example's pages and their assets, mounted at the app's root by `example/app.ts`:
 *
 * | path | who sees it |
 * |---|---|
 * | `/` (sign in), `/sign-up`, `/sign-in/code`, `/sign-in/link`, `/sign-in/phone`, `/forgot-password` | guests |
 * | `/magic`, `/reset-password`, `/verify-email` (where mailed links land), `/developers` | anyone |
 * | `/account`, `/sessions`, `/security-log`, `/mfa` | a fully signed-in session |
 * | `/mfa/challenge` | a session that still owes its second factor |
 *
 * Anyone else is redirected to where they belong (see `page-session.ts`). `/assets/*` is
 * `example/public/` (stylesheet, page scripts); `/vendor/appwrite.js` is the `appwrite`
 * package's browser build, the SDK every page script uses.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import express, { type Request, type RequestHandler, type Response, type Router } from 'express'
import type { ExpressAccounts } from '../lib/index.js'
import { accountPage, sessionsPage } from './account-pages.js'
import { securityLogPage } from './security-log-page.js'
import {
  codePage, forgotPasswordPage, magicLandingPage, magicLinkPage, resetPasswordPage, signInPage, signUpPage, verifyEmailPage, type Delivery,
} from './auth-pages.js'
import { developersPage } from './developers-page.js'
import { PAGE_CSP, PUBLIC_DIR } from './layout.js'
import { mfaRouter } from './mfa.js'
import { oauth2Links } from './oauth2.js'
import { page, type PageState } from './page-session.js'
import { PASSPORT_EXAMPLE_PORT, appPage, cardPage, type Site } from './shell.js'

/** The `appwrite` package's IIFE build (it bundles its one dependency), served at `/vendor/appwrite.js`. */
const SDK_FILE = join(dirname(createRequire(import.meta.url).resolve('appwrite/package.json')), 'dist', 'iife', 'sdk.js')

export interface SiteOptions {
  accounts: ExpressAccounts
  project: string
  delivery: Delivery
  hasKey: boolean
  oauth2Providers: string[]
  /** `PUBLIC_URL` (or `http://localhost:<PORT>`); null when unknown. */
  publicOrigin: string | null
}

const GUEST: PageState['kind'][] = ['guest']
const ANYONE: PageState['kind'][] = ['guest', 'owes-factor', 'signed-in']
const SIGNED_IN: PageState['kind'][] = ['signed-in']

export function siteRouter(o: SiteOptions): Router {
  const { accounts } = o
  const site: Site = { project: o.project, delivery: o.delivery }
  const router = express.Router()
  const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`

  router.use('/assets', express.static(PUBLIC_DIR, { index: false }))
  router.get('/vendor/appwrite.js', (_req: Request, res: Response) => res.sendFile(SDK_FILE))

  const guestCard = (title: string, script: string, body: () => ReturnType<typeof signUpPage>) =>
    page(accounts, PAGE_CSP, GUEST, (req) => cardPage(site, req, { title, body: body(), script }))

  router.get(
    '/',
    page(accounts, PAGE_CSP, GUEST, (req) =>
      cardPage(site, req, {
        title: 'Sign in',
        body: signInPage({ oauth2: oauth2Links(o.oauth2Providers, { project: o.project, pageOrigin: origin(req), publicOrigin: o.publicOrigin }) }),
        script: 'sign-in',
      }),
    ),
  )
  router.get('/sign-up', guestCard('Create your account', 'sign-up', signUpPage))
  router.get('/sign-in/code', guestCard('Sign in with an email code', 'code', () => codePage('email', o.delivery)))
  router.get('/sign-in/phone', guestCard('Sign in with a text message', 'code', () => codePage('phone', o.delivery)))
  router.get('/sign-in/link', guestCard('Sign in with a link', 'magic-link', () => magicLinkPage(o.delivery)))
  router.get('/forgot-password', guestCard('Reset your password', 'forgot-password', () => forgotPasswordPage(o.delivery)))

  // Mailed links land here: their URL holds a live secret, so it goes to no other site.
  const linkPage = (title: string, script: string, body: () => ReturnType<typeof signUpPage>): RequestHandler[] => [
    (_req, res, next) => {
      res.set('Referrer-Policy', 'no-referrer')
      next()
    },
    page(accounts, PAGE_CSP, ANYONE, (req) => cardPage(site, req, { title, body: body(), script })),
  ]
  router.get('/magic', ...linkPage('Sign-in link', 'magic', magicLandingPage))
  router.get('/reset-password', ...linkPage('Choose a new password', 'reset-password', resetPasswordPage))
  router.get('/verify-email', ...linkPage('Verify your email', 'verify-email', verifyEmailPage))

  router.get(
    '/account',
    page(accounts, PAGE_CSP, SIGNED_IN, (req, _res, state) =>
      state.kind === 'signed-in' ? appPage(site, req, state.auth, '/account', { title: 'Your account', body: accountPage(), script: 'account' }) : '',
    ),
  )
  router.get(
    '/sessions',
    page(accounts, PAGE_CSP, SIGNED_IN, (req, _res, state) =>
      state.kind === 'signed-in' ? appPage(site, req, state.auth, '/sessions', { title: 'Sessions', body: sessionsPage(), script: 'sessions' }) : '',
    ),
  )
  router.get(
    '/security-log',
    page(accounts, PAGE_CSP, SIGNED_IN, (req, _res, state) =>
      state.kind === 'signed-in' ? appPage(site, req, state.auth, '/security-log', { title: 'Security log', body: securityLogPage(), script: 'security-log' }) : '',
    ),
  )
  router.use(mfaRouter(accounts, site))

  router.get(
    '/developers',
    page(accounts, PAGE_CSP, ANYONE, (req, _res, state) => {
      const body = developersPage({
        endpoint: `${origin(req)}/v1`,
        project: o.project,
        hasKey: o.hasKey,
        consoleEmail: o.delivery.consoleEmail,
        consoleSms: o.delivery.consoleSms,
        oauth2: oauth2Links(o.oauth2Providers, { project: o.project, pageOrigin: origin(req), publicOrigin: o.publicOrigin }),
        passportUrl: `http://${req.hostname}:${PASSPORT_EXAMPLE_PORT}/`,
      })
      return state.kind === 'signed-in'
        ? appPage(site, req, state.auth, '/developers', { title: 'For developers', body })
        : cardPage(site, req, { title: 'For developers', body, wide: true })
    }),
  )
  return router
}
