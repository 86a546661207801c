import type { NextFunction, Request, Response } from 'express'

/**
 * Every router answer is private and live: sessions, JWTs, the TOTP secret, recovery codes,
 * tokens, the account and its prefs. `no-store` keeps them out of shared caches and the
 * browser's disk cache (a later user of the machine, a misconfigured CDN); nothing the
 * router answers is worth caching. The same trio the error renderer sends.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set({ 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', Expires: '0' })
  next()
}

type TrustFn = (address: string, hop: number) => boolean

/**
 * Warns once (per router) when a request carries `X-Forwarded-For` that Express' `trust proxy`
 * ignores. Behind a reverse proxy that is a misconfiguration with a security cost: `req.ip` is
 * the proxy's address, so every client shares one per-IP allowance and one abuser exhausts it
 * for all. A client reaching the server directly can send the header too, so it is a warning,
 * not an error.
 */
export function warnUntrustedProxy() {
  let warned = false
  return function checkTrustProxy(req: Request, _res: Response, next: NextFunction): void {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      const trust = req.app.get('trust proxy fn') as TrustFn | undefined
      if (typeof trust !== 'function' || !trust(req.socket.remoteAddress ?? '', 0)) {
        warned = true
        process.emitWarning(
          `express-accounts: a request from ${req.socket.remoteAddress ?? 'an unknown address'} carried X-Forwarded-For, but Express' ` +
            "`trust proxy` does not trust that sender, so req.ip is the proxy's address and every client behind it shares one " +
            "per-IP rate limit. Behind a reverse proxy, set app.set('trust proxy', …) to match it (docs/production.md); " +
            'if clients reach this server directly, ignore this.',
          { code: 'EXPRESS_ACCOUNTS_TRUST_PROXY' },
        )
      }
    }
    next()
  }
}
