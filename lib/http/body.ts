import express, { type NextFunction, type Request, type Response } from 'express'

// Prefs may be 64 KB of JSON; leave room so an oversized value gets a precise 400 from the
// validator rather than a generic parser error.
const LIMIT = '1mb'
const json = express.json({ limit: LIMIT, type: ['application/json', 'application/*+json'] })
const form = express.urlencoded({ limit: LIMIT, extended: true, parameterLimit: 200 })

/**
 * The router brings its own body parsers (Express 5 leaves `req.body` undefined without
 * one), and steps aside when the host app already parsed the body.
 */
export function parseBody(req: Request, res: Response, next: NextFunction): void {
  if (req.body !== undefined) return next()
  json(req, res, (err?: unknown) => {
    if (err) return next(err)
    if (req.body !== undefined) return next()
    form(req, res, next)
  })
}
