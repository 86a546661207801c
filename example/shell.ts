/**
 * The two page shapes of the example as the routes use them: `appPage()` for a signed-in
 * session (menu, name, theme from `prefs`) and `cardPage()` for everything else, both with the
 * shared footer. Every page script gets `project` in its config.
 */
import { createRequire } from 'node:module'
import type { Request } from 'express'
import type { Authenticated } from '../lib/index.js'
import type { Delivery } from './auth-pages.js'
import { html, type Html } from './html.js'
import { layout, type Theme } from './layout.js'
import { displayName } from './page-session.js'

/** The port `npm run start:passport` listens on by default (example/passport-server.ts). */
export const PASSPORT_EXAMPLE_PORT = 3001

/** The version of the `appwrite` web SDK served at `/vendor/appwrite.js`. */
const SDK_VERSION: string = (createRequire(import.meta.url)('appwrite/package.json') as { version: string }).version

export interface Site {
  project: string
  delivery: Delivery
}

export interface PageInput {
  title: string
  body: Html
  /** `public/pages/<script>.js` */
  script?: string
  config?: Record<string, unknown>
}

export function footer(req: Request): Html {
  const passport = `http://${req.hostname}:${PASSPORT_EXAMPLE_PORT}/`
  return html`<p>Pages served by <code>example/</code>, talking to this server's <code>/v1</code> with Appwrite's web SDK ${SDK_VERSION}.</p>
<p><a href="/developers">For developers</a> · <a href="${passport}">Passport example</a> <span class="muted">(<code>npm run start:passport</code>)</span></p>`
}

function themeOf(prefs: Record<string, unknown>): Theme | null {
  return prefs.theme === 'light' || prefs.theme === 'dark' ? prefs.theme : null
}

/** A page of the signed-in area: `current` is the menu entry it belongs to. */
export function appPage(site: Site, req: Request, auth: Authenticated, current: string, input: PageInput): string {
  return layout({
    ...input,
    shape: 'app',
    home: '/account',
    user: { name: displayName(auth), current },
    theme: themeOf(auth.account.prefs),
    config: { project: site.project, ...input.config },
    footer: footer(req),
  })
}

/** A page outside the signed-in area (signing in, mailed links, the developer notes). */
export function cardPage(site: Site, req: Request, input: PageInput & { wide?: boolean }): string {
  return layout({
    ...input,
    shape: input.wide ? 'wide' : 'card',
    config: { project: site.project, ...input.config },
    footer: footer(req),
  })
}
