/**
 * Impersonation with the SDKs' own setters: node-appwrite 27.1.0 and the web `appwrite` SDK
 * 27.0.0 both have `setImpersonateUserId` / `setImpersonateUserEmail` / `setImpersonateUserPhone`,
 * which send `X-Appwrite-Impersonate-User-*` on every call.
 */
import assert from 'node:assert/strict'
import { Account as WebAccount, Client as WebClient } from 'appwrite'
import { Account, Client, ID } from 'node-appwrite'
import { MEMORY, PASSWORD, PROJECT, REDIS, assertAccountShape, expectError, nodeClients, plain, startServer, uniqueEmail, type StoreCase, type TestServer } from './helpers.js'

for (const sc of [MEMORY, REDIS] as StoreCase[]) {
  describe(`impersonation with the SDKs (${sc.name})`, function () {
    let srv: TestServer
    let staffSecret: string
    let plainSecret: string
    let targetId: string
    let targetEmail: string
    let staffId: string

    before(async function () {
      sc.available(this)
      srv = await startServer(sc)
      const c = nodeClients(srv.endpoint)
      const make = async (tag: string) => {
        const email = uniqueEmail(tag)
        const id = (await c.guest.create({ userId: ID.unique(), email, password: PASSWORD, name: tag })).$id
        return { id, email: email.toLowerCase(), secret: (await c.key.createEmailPasswordSession({ email, password: PASSWORD })).secret }
      }
      const staff = await make('staff')
      const plainUser = await make('plain')
      const target = await make('target')
      await srv.accounts.updateImpersonator(staff.id, true)
      await srv.accounts.update(target.id, (a) => void (a.phone = '+14155550123'))
      ;[staffSecret, plainSecret, targetId, targetEmail, staffId] = [staff.secret, plainUser.secret, target.id, target.email, staff.id]
    })
    after(() => srv?.close())

    const node = (secret: string) => new Client().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(secret)
    const web = (secret: string) => new WebClient().setEndpoint(srv.endpoint).setProject(PROJECT).setSession(secret)

    it('node-appwrite setImpersonateUserId / Email / Phone: get() is the target, with impersonatorUserId', async () => {
      for (const client of [node(staffSecret).setImpersonateUserId(targetId), node(staffSecret).setImpersonateUserEmail(targetEmail), node(staffSecret).setImpersonateUserPhone('+14155550123')]) {
        const me = plain(await new Account(client).get())
        assertShapeImpersonated(me)
        assert.deepEqual([me.$id, me.impersonator, me.impersonatorUserId], [targetId, false, staffId])
      }
    })

    it('web SDK setImpersonateUserId: get() and updateName act on the target', async () => {
      const account = new WebAccount(web(staffSecret).setImpersonateUserId(targetId))
      assert.equal((await account.get()).$id, targetId)
      const renamed = await account.updateName({ name: 'Renamed by support' })
      assert.deepEqual([renamed.$id, renamed.name, renamed.impersonatorUserId], [targetId, 'Renamed by support', staffId])
    })

    it('a non-impersonator using the setters → 401 user_unauthorized (both SDKs)', async () => {
      await expectError(new Account(node(plainSecret).setImpersonateUserId(targetId)).get(), 401, 'user_unauthorized')
      await expectError(new WebAccount(web(plainSecret).setImpersonateUserEmail(targetEmail)).get(), 401, 'user_unauthorized')
    })

    it('an impersonator cannot change the target’s password or email through the SDK', async () => {
      const account = new Account(node(staffSecret).setImpersonateUserId(targetId))
      await expectError(account.updatePassword({ password: 'a brand new password', oldPassword: PASSWORD }), 401, 'user_unauthorized')
      await expectError(account.updateEmail({ email: uniqueEmail('hijack'), password: PASSWORD }), 401, 'user_unauthorized')
      await expectError(account.createJWT(), 401, 'user_unauthorized')
    })

    it('without the setters the impersonator is itself (impersonator: true, no impersonatorUserId)', async () => {
      const me = plain(await new Account(node(staffSecret)).get())
      assert.deepEqual([me.$id, me.impersonator, me.impersonatorUserId], [staffId, true, null])
    })
  })
}

/** `assertAccountShape` expects a plain account; an impersonated one differs only in `impersonatorUserId`. */
function assertShapeImpersonated(me: { impersonatorUserId?: string | null }): void {
  assertAccountShape({ ...me, impersonatorUserId: null })
}
