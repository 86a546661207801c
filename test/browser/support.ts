/**
 * Browser-test plumbing: Debian's Chromium driven by playwright-core, the example apps on
 * loopback, an axe-core check of a page, and screenshots.
 *
 * - `CHROMIUM_PATH` (default `/usr/bin/chromium`). Missing: the suite fails when
 *   `REQUIRE_BROWSER=1` or `CI` is set, and is skipped with a warning otherwise.
 * - `BROWSER_SCREENSHOTS=1` saves every checked page at desktop and phone width under
 *   `test/browser/artifacts/pages/`; a failing test always leaves screenshots of its open
 *   pages in `test/browser/artifacts/` (git-ignored).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url))
const SCREENSHOTS = process.env.BROWSER_SCREENSHOTS === '1'

export const DESKTOP = { width: 1280, height: 860 }
export const PHONE = { width: 375, height: 812 }
/** A desktop Chrome's User-Agent (headless Chromium calls itself "HeadlessChrome"). */
export const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'
/** A phone's User-Agent, so the sessions page shows a second, different device. */
export const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

const CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0'
const REQUIRED = process.env.REQUIRE_BROWSER === '1' || CI

/**
 * `describe` when Chromium is installed. Without it: a failing suite when a browser is
 * required (REQUIRE_BROWSER=1, CI), else a skipped one and a warning.
 */
export function describeBrowser(title: string, fn: (this: Mocha.Suite) => void): void {
  if (existsSync(CHROMIUM)) {
    describe(title, fn)
    return
  }
  const why = `no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium, or set CHROMIUM_PATH)`
  if (REQUIRED) {
    describe(title, function () {
      it('needs Chromium', function () {
        throw new Error(`${why}; REQUIRE_BROWSER=1 or CI is set, so the browser suite fails instead of skipping`)
      })
    })
    return
  }
  console.warn(`[test] ${why}: browser suites skipped`)
  describe.skip(title, fn)
}

/**
 * A fresh headless Chromium: Playwright gives each launch its own temporary user-data
 * directory. The flags keep it off the network (no component updates, sync, QUIC or
 * background fetches) and runnable as root in a container (no sandbox, no GPU).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

export interface Listening {
  origin: string
  server: Server
  close(): Promise<void>
}

/** Listens on 127.0.0.1 on a free port; the handler can be set after the origin is known. */
export async function listen(handler?: RequestListener): Promise<Listening & { handle(h: RequestListener): void }> {
  let current: RequestListener = handler ?? ((_req, res) => res.end())
  const server = createServer((req, res) => current(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    handle(h) {
      current = h
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Records what a page logs as errors (CSP refusals, uncaught exceptions, failed requests). */
export function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (err) => errors.push(`${page.url()}: uncaught ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${page.url()}: console: ${msg.text()}`)
  })
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: unknown[]; failureSummary?: string }>
}

/** axe-core's WCAG 2.x A/AA rules (and its best practices) on the page as it is now: serious and critical findings fail. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not block it.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
  })))`)) as AxeViolation[]
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

export interface PageCheck {
  /** Names of the pages checked so far, in order. */
  checked: string[]
}

/**
 * Checks the page as it is now: no serious or critical axe findings, and at phone width
 * (375 px) nothing wider than the screen. With BROWSER_SCREENSHOTS=1 it also saves
 * `<name>-desktop.png` and `<name>-phone.png`.
 */
export async function checkPage(page: Page, name: string, record: PageCheck): Promise<void> {
  const t0 = Date.now()
  const violations = await axeViolations(page)
  if (process.env.BROWSER_TIMING) console.log(`      axe ${name}: ${Date.now() - t0} ms`)
  assert.deepEqual(
    violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe on ${name} (${page.url()})`,
  )
  const size = page.viewportSize() ?? DESKTOP
  if (SCREENSHOTS) await screenshot(page, `pages/${name}-${size.width <= PHONE.width ? 'phone' : 'desktop'}`)
  if (size.width > PHONE.width) {
    await page.setViewportSize(PHONE)
    try {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      assert.ok(overflow <= 0, `${name} is ${overflow} px wider than a 375 px screen`)
      if (SCREENSHOTS) await screenshot(page, `pages/${name}-phone`)
    } finally {
      await page.setViewportSize(size)
    }
  } else {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `${name} is ${overflow} px wider than the screen`)
  }
  record.checked.push(name)
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = `${ARTIFACTS}${name}.png`
  mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true })
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' })
  return file
}

/** After a failed test: a screenshot of every open page, named after the test. */
export async function screenshotFailure(contexts: BrowserContext[], test: string): Promise<string[]> {
  const base = test.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)
  const files: string[] = []
  let n = 0
  for (const context of contexts) {
    for (const page of context.pages()) {
      try {
        files.push(await screenshot(page, `failures/${base}-${++n}`))
      } catch {
        // A page that is closing cannot be shot; the others still are.
      }
    }
  }
  return files
}
