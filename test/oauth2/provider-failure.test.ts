/**
 * A host must tell an OAuth2 issuer that is down (retry later) from one that is set up wrong
 * (fix the config) from a bug, by `type` alone: real issuers on loopback, real refused ports.
 */
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import request from 'supertest'
import { AccountsError } from '../../lib/errors.js'
import { PROJECT, makeApp } from '../support/app.js'

const START = `/v1/account/sessions/oauth2/corp?success=${encodeURIComponent('http://localhost/ok')}&failure=${encodeURIComponent('http://localhost/fail')}`

/** An issuer answering the discovery request with `status` and `body`. */
async function issuer(status: number, body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.statusCode = status
    res.setHeader('Content-Type', 'application/json')
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()))
  const { port } = srv.address() as AddressInfo
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

async function start(issuerUrl: string) {
  const { app, accounts } = makeApp({ oauth2: { corp: { clientId: 'client', clientSecret: 'secret', issuer: issuerUrl } } })
  const res = await request(app).get(START).set('X-Appwrite-Project', PROJECT).set('Accept', 'application/json')
  return { res, accounts }
}

describe('OAuth2 provider failures have types of their own', () => {
  it('an issuer refusing connections → 503 oauth2_provider_unavailable with Retry-After, not a 500', async () => {
    const { res, accounts } = await start(`http://127.0.0.1:${await closedPort()}`)
    assert.equal(res.status, 503)
    assert.equal(res.body.type, 'oauth2_provider_unavailable')
    assert.equal(res.body.code, 503)
    assert.ok(Number(res.headers['retry-after']) >= 1)
    assert.equal(res.headers.location, undefined)
    // Server code gets the same typed error, with the network fault as its cause.
    await assert.rejects(accounts.oauth2.provider('corp'), (e: unknown) => e instanceof AccountsError && e.type === 'oauth2_provider_unavailable' && e.cause instanceof Error)
  })

  it('an issuer answering 5xx → 503 oauth2_provider_unavailable', async () => {
    const down = await issuer(502, '{}')
    try {
      const { res } = await start(down.url)
      assert.equal(res.status, 503)
      assert.equal(res.body.type, 'oauth2_provider_unavailable')
    } finally {
      await down.close()
    }
  })

  it('a discovery document without endpoints → 502 oauth2_discovery_failed (a config problem: no Retry-After)', async () => {
    const wrong = await issuer(200, JSON.stringify({ issuer: 'x' }))
    try {
      const { res } = await start(wrong.url)
      assert.equal(res.status, 502)
      assert.equal(res.body.type, 'oauth2_discovery_failed')
      assert.equal(res.headers['retry-after'], undefined)
    } finally {
      await wrong.close()
    }
  })

  it('a discovery URL answering 404 or a body that is not JSON → 502 oauth2_discovery_failed', async () => {
    for (const [status, body] of [[404, 'not found'], [200, '<html>']] as const) {
      const wrong = await issuer(status, body)
      try {
        const { res } = await start(wrong.url)
        assert.equal(res.status, 502, `${status} ${body}`)
        assert.equal(res.body.type, 'oauth2_discovery_failed')
      } finally {
        await wrong.close()
      }
    }
  })

  it('a failed discovery is not cached: the next request tries again and works', async () => {
    let up = false
    const server = createServer((_req, res) => {
      if (!up) {
        res.statusCode = 503
        return res.end()
      }
      res.setHeader('Content-Type', 'application/json')
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      res.end(JSON.stringify({ authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, userinfo_endpoint: `${base}/userinfo` }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { app } = makeApp({ oauth2: { corp: { clientId: 'client', clientSecret: 'secret', issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } } })
      const first = await request(app).get(START).set('Accept', 'application/json')
      assert.equal(first.body.type, 'oauth2_provider_unavailable')
      up = true
      const second = await request(app).get(START)
      assert.equal(second.status, 302)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
