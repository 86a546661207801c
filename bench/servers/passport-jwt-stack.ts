/**
 * Variant 3: passport-jwt as its README shows, stateless (the user travels in the token, no
 * store read, so no revocation either), with the secret as a `KeyObject`: jsonwebtoken given a
 * string secret first tries to parse it as a public key on every verify, which would make this
 * peer look several times slower than it is when written well.
 */
import { createSecretKey } from 'node:crypto'
import express from 'express'
import jwt from 'jsonwebtoken'
import passport from 'passport'
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt'
import type { BenchServer } from './bench-server.js'
import { BENCH_USER, type BenchUser } from './bench-user.js'

export async function passportJwtStack(): Promise<BenchServer> {
  const key = createSecretKey(Buffer.from('bench-passport-jwt-secret-32-bytes-long!'))
  passport.use(new JwtStrategy({
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // passport-jwt hands the key to jsonwebtoken.verify, which takes a KeyObject; its typings say string | Buffer.
    secretOrKey: key as unknown as Buffer,
    algorithms: ['HS256'],
  }, (payload: { user: BenchUser }, done: (err: unknown, user?: BenchUser | false) => void) => {
    done(null, payload.user)
  }))

  const app = express()
  app.use(passport.initialize())
  app.get('/me', passport.authenticate('jwt', { session: false }), (req, res) => {
    res.json(req.user)
  })
  // One hour is jsonwebtoken's usual example lifetime; the bench re-mints before each window anyway.
  const mint = () => jwt.sign({ sub: BENCH_USER.$id, user: BENCH_USER }, key, { algorithm: 'HS256', expiresIn: '1h' })
  return {
    app,
    prepare: async () => ({ userId: BENCH_USER.$id }),
    request: async () => ({ method: 'GET', path: '/me', headers: { authorization: `Bearer ${mint()}` }, expectStatus: 200 }),
    close: async () => undefined,
  }
}
