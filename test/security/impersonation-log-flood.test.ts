/**
 * Attack: an impersonator erases the account owner's security log. Every request an
 * impersonator makes as an account is logged (`impersonation.request`), and so is every change
 * it makes (`user.update.prefs`), all into the account's own lane, capped at `maxEntries`. A
 * few `maxEntries` requests as the account (GET /account, PATCH /account/prefs) pushed out
 * every entry the owner caused (their sign-ins, password change) and the `impersonation.start`
 * itself: the owner could no longer see what happened. What an impersonator causes goes to a
 * lane of its own: a flood pushes out only older impersonation entries.
 */
import assert from 'node:assert/strict'
import { createAccounts, type ExpressAccounts } from '../../lib/index.js'
import type { SignIn } from '../../lib/core/sessions.js'
import express from 'express'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TestClock } from '../support/test-clock.js'
import { API_KEY, MEMORY, PASSWORD, PROJECT, REDIS, uniqueEmail, type StoreCase } from '../sdk/helpers.js'

const MAX = 10

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`security: an impersonator cannot flush the owner's security log (${sc.name})`, function () {
    let accounts: ExpressAccounts
    let server: Server
    let base: string
    let cleanup: () => Promise<void>

    before(async function () {
      sc.available(this)
      const made = sc.create()
      cleanup = made.cleanup
      accounts = createAccounts({
        store: made.store, project: PROJECT, secret: 'x'.repeat(32), apiKeys: [API_KEY], bcryptCost: 4, rateLimits: false,
        clock: new TestClock(), securityLog: { maxEntries: MAX },
      })
      const app = express()
      app.use('/v1', accounts.router())
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s))
      })
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
    })
    after(async () => {
      server?.closeAllConnections()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      await accounts?.store.close()
      await cleanup?.()
    })

    async function person(tag: string): Promise<SignIn> {
      const a = await accounts.createAccount({ email: uniqueEmail(tag), password: PASSWORD, name: tag })
      return accounts.signIn(a.id)
    }
    const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
      fetch(`${base}${path}`, { method, headers: { 'Content-Type': 'application/json', 'X-Appwrite-Project': PROJECT, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) })

    it('3 × maxEntries requests as the account leave the owner\'s own entries and the start in the log', async () => {
      const staff = await person('staff')
      await accounts.updateImpersonator(staff.account.id, true)
      const owner = await person('owner')
      const ownEvents = (await accounts.listLogs(owner.account.id)).logs.map((l) => l.event)
      assert.ok(ownEvents.includes('session.create.server') || ownEvents.some((e) => e.startsWith('session.create')), ownEvents.join())
      const as = { 'X-Appwrite-Session': staff.value, 'X-Appwrite-Impersonate-User-Id': owner.account.id }
      for (let i = 0; i < MAX; i++) {
        assert.equal((await call('GET', '/account', as)).status, 200)
        assert.equal((await call('PATCH', '/account/prefs', as, { prefs: { i } })).status, 200)
      }
      const after = (await accounts.listLogs(owner.account.id)).logs
      const events = after.map((l) => l.event)
      for (const e of ownEvents) assert.ok(events.includes(e), `the owner's ${e} is still there: ${events.join()}`)
      assert.ok(events.includes('impersonation.start'), 'the start of the impersonation is still there')
      assert.ok(events.includes('impersonation.request'))
      assert.ok(after.length <= 2 * MAX + 100, 'still bounded')
    })
  })
}
