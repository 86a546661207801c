import type { Core } from '../core/core.js'
import { AccountsError } from '../errors.js'
import { newId } from '../secrets.js'
import { assertStorable } from '../storable.js'
import type { AccountRecord, IdentityRecord } from '../store/store.js'
import type { OAuth2Grant } from './provider-strategy.js'

export interface Linked {
  account: AccountRecord
  identity: IdentityRecord
  /** True when the sign-in created the account. */
  created: boolean
}

const MAX_ATTEMPTS = 3

/**
 * Which account an OAuth2 sign-in lands in, in this order:
 * 1. a signed-in caller (the flow started with a session): the identity is attached to that
 *    account — an anonymous account is thereby upgraded in place and keeps its `$id`;
 * 2. the account that already has this identity;
 * 3. the account whose email equals the provider's email, **only if the provider says the
 *    email is verified** — an unverified email never links to an existing account, or anyone
 *    could register a victim's address at a lax provider and take the account over
 *    (pre-account-hijacking) — **and only if that account has verified the email too**: an
 *    account someone created with the victim's address and a password of their own must not
 *    absorb the victim's provider login (the other half of pre-hijacking). Such a sign-in is
 *    refused with `409 user_already_exists`; verifying the email or signing in and linking
 *    from the account resolves it;
 * 4. a new account (with the provider's email when nobody has it yet).
 */
export async function linkGrant(core: Core, provider: string, grant: OAuth2Grant, linkAccountId: string | null): Promise<Linked> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await linkOnce(core, provider, grant, linkAccountId)
    } catch (err) {
      // Two callbacks for the same new identity raced; the loser finds the winner's on retry.
      if (!(err instanceof IdentityRace) || attempt + 1 >= MAX_ATTEMPTS) throw err instanceof IdentityRace ? new AccountsError('user_already_exists') : err
    }
  }
}

class IdentityRace extends Error {}

async function linkOnce(core: Core, provider: string, grant: OAuth2Grant, linkAccountId: string | null): Promise<Linked> {
  const { profile } = grant
  const ownerId = await core.store.findIdentityOwner(provider, profile.id)

  if (linkAccountId) {
    const account = mustBeActive(await core.accounts.get(linkAccountId))
    if (ownerId && ownerId !== account.id) {
      throw new AccountsError('user_already_exists', `This ${provider} account is already linked to another account.`)
    }
    if (ownerId === account.id) return { account, identity: await refreshIdentity(core, account.id, provider, grant), created: false }
    const identity = await attach(core, account.id, provider, grant)
    return { account: await adoptEmail(core, account, grant), identity, created: false }
  }

  if (ownerId) {
    const account = mustBeActive(await core.accounts.get(ownerId))
    return { account, identity: await refreshIdentity(core, account.id, provider, grant), created: false }
  }

  if (profile.email && profile.emailVerified) {
    const existing = await core.accounts.findByEmail(profile.email)
    if (existing) {
      const account = mustBeActive(existing)
      if (!account.emailVerification) {
        throw new AccountsError(
          'user_already_exists',
          `An account with this email exists but has not verified it. Verify the email, or sign in and link ${provider} from the account.`,
        )
      }
      const identity = await attach(core, account.id, provider, grant)
      return { account: await adoptEmail(core, account, grant), identity, created: false }
    }
  }

  const account = await createFor(core, grant)
  const identity = await attach(core, account.id, provider, grant)
  return { account, identity, created: true }
}

function mustBeActive(account: AccountRecord | null): AccountRecord {
  if (!account) throw new AccountsError('user_not_found')
  if (!account.status) throw new AccountsError('user_blocked')
  return account
}

/** A new account: the provider's name, and its email when nobody owns that address yet. */
async function createFor(core: Core, grant: OAuth2Grant): Promise<AccountRecord> {
  const name = [...grant.profile.name].slice(0, 128).join('')
  const email = grant.profile.email
  if (email && !(await core.accounts.findByEmail(email))) {
    try {
      return await core.accounts.insertPasswordless({ email, name, emailVerification: grant.profile.emailVerified, provider: 'oauth2' })
    } catch (err) {
      // Claimed in between: fall through to an account without the address.
      if (!(err instanceof AccountsError) || err.type !== 'user_already_exists') throw err
    }
  }
  return core.accounts.insertPasswordless({ name, provider: 'oauth2' })
}

/** An account without an email takes the provider's verified one (if free): anonymous upgrade. */
async function adoptEmail(core: Core, account: AccountRecord, grant: OAuth2Grant): Promise<AccountRecord> {
  const { email, emailVerified } = grant.profile
  if (account.email || !email || !emailVerified) return account
  if (await core.accounts.findByEmail(email)) return account
  try {
    return await core.accounts.update(account.id, (a) => {
      if (a.email) return
      a.email = email
      a.emailVerification = true
    })
  } catch (err) {
    if (err instanceof AccountsError && err.type === 'user_target_already_exists') return account
    throw err
  }
}

function identityFor(accountId: string, provider: string, grant: OAuth2Grant, now: number): IdentityRecord {
  return {
    id: newId(),
    accountId,
    createdAt: now,
    updatedAt: now,
    provider,
    providerUid: grant.profile.id,
    providerEmail: grant.profile.email,
    providerAccessToken: grant.accessToken,
    providerAccessTokenExpiry: grant.accessTokenExpiry,
    providerRefreshToken: grant.refreshToken,
  }
}

async function attach(core: Core, accountId: string, provider: string, grant: OAuth2Grant): Promise<IdentityRecord> {
  const identity = identityFor(accountId, provider, grant, core.options.clock.now())
  assertStorable(identity)
  const result = await core.store.insertIdentity(identity)
  if (result.ok) return identity
  if (result.conflict === 'missing') throw new AccountsError('user_not_found')
  throw new IdentityRace()
}

/** Keeps the provider's latest tokens and email on the identity. */
async function refreshIdentity(core: Core, accountId: string, provider: string, grant: OAuth2Grant): Promise<IdentityRecord> {
  const current = (await core.store.listIdentities(accountId)).find((i) => i.provider === provider && i.providerUid === grant.profile.id)
  if (!current) throw new IdentityRace()
  const next: IdentityRecord = {
    ...current,
    updatedAt: core.options.clock.now(),
    providerEmail: grant.profile.email || current.providerEmail,
    providerAccessToken: grant.accessToken,
    providerAccessTokenExpiry: grant.accessTokenExpiry,
    providerRefreshToken: grant.refreshToken || current.providerRefreshToken,
  }
  assertStorable(next, current)
  if (!(await core.store.replaceIdentity(next))) throw new IdentityRace()
  return next
}
