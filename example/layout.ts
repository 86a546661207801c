/**
 * The frame every example page shares, the passport example's included: document head (one
 * stylesheet, the page's script), a header with the signed-in menu, `<main>`, a footer.
 * Pages pass their values to their script as a JSON block (`#page-config`), never as inline
 * code, so the pages run under a Content-Security-Policy without `'unsafe-inline'`.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { html, raw, scriptJson, type Html } from './html.js'

/** `example/public/` (stylesheet, page scripts), served at `/assets` by both examples. */
export const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public')

export interface NavItem {
  path: string
  label: string
}

/**
 * The signed-in pages, in menu order. A new page (a security log, say) is one entry here and
 * one route in `example/site.ts`.
 */
export const NAV: readonly NavItem[] = [
  { path: '/account', label: 'Account' },
  { path: '/sessions', label: 'Sessions' },
  { path: '/security-log', label: 'Security log' },
  { path: '/mfa', label: 'Two-step sign-in' },
]

/** Sent with every page: scripts only from this origin, no inline code, no framing. */
export const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export type Theme = 'light' | 'dark'

export interface LayoutInput {
  /** The page's own title; the document title adds the site name. */
  title: string
  /** `card`: one narrow centred card (signing in); `app`: the signed-in pages, with the menu; `wide`: a plain wide page. */
  shape: 'card' | 'app' | 'wide'
  body: Html
  /** Site name in the header and the document title. Default `express-accounts example`. */
  site?: string
  /** Where the site name links to. Default `/`. */
  home?: string
  /** Signed-in pages: the name shown in the header and the path of the menu's current entry. */
  user?: { name: string; current: string }
  /** The account's `prefs.theme`; unset follows the system setting. */
  theme?: Theme | null
  /** `/assets/pages/<script>.js`, loaded as a module after the Appwrite SDK. */
  script?: string
  /** What the page's script reads from `#page-config`. */
  config?: Record<string, unknown>
  footer?: Html
}

export function layout(input: LayoutInput): string {
  const site = input.site ?? 'express-accounts example'
  const scripts = input.script
    ? html`<script src="/vendor/appwrite.js" defer></script>
<script type="module" src="/assets/pages/${input.script}.js"></script>`
    : ''
  const config = input.config ? raw(`<script type="application/json" id="page-config">${scriptJson(input.config)}</script>`) : ''
  const doc = html`<!doctype html>
<html lang="en"${input.theme ? html` data-theme="${input.theme}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${input.title} · ${site}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
${scripts}
</head>
<body class="shape-${input.shape}">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="site-header-inner">
<a class="brand" href="${input.home ?? '/'}"><span class="brand-mark" aria-hidden="true"></span>${site}</a>
${input.user ? userBar(input.user) : ''}
</div>
${input.user ? menu(input.user.current) : ''}
</header>
<main id="main" tabindex="-1">
${input.script ? raw('<p class="alert" role="alert" id="page-alert"></p>\n<p class="notice notice-success" role="status" id="page-status"></p>') : ''}
${input.body}
</main>
<footer class="site-footer">${input.footer ?? ''}</footer>
${config}
</body>
</html>
`
  return doc.value
}

function userBar(user: { name: string }): Html {
  return html`<div class="user-bar">
<span class="user-name" data-user-name>${user.name}</span>
<button type="button" class="btn btn-quiet btn-small" data-sign-out>Sign out</button>
</div>`
}

function menu(current: string): Html {
  const items = NAV.map(
    (item) => html`<li><a href="${item.path}"${item.path === current ? raw(' aria-current="page"') : ''}>${item.label}</a></li>`,
  )
  return html`<nav class="site-nav" aria-label="Account pages"><ul>${items}</ul></nav>`
}

/** A page that needs JavaScript says so when it is off. */
export const NEEDS_SCRIPT = html`<noscript><p class="notice notice-warn">This page needs JavaScript: it talks to the account API with Appwrite's web SDK.</p></noscript>`
