/**
 * The Store methods each part calls, so a host's custom store missing one is refused when the
 * account system is built (`options.store is missing …`), not on the first request that needs it.
 * `test/core/options.test.ts` fails when code outside lib/store calls a store method no list names.
 */
export const STORE_NEEDS = {
  Accounts: ['insertAccount', 'getAccount', 'findAccountId', 'replaceAccount', 'deleteAccount', 'listIdentities', 'deleteIdentity',
    'queryAccounts', 'findIdentity', 'queryIdentities'],
  Sessions: ['createSession', 'getSession', 'getSessionWithAccount', 'listSessions', 'replaceSession', 'deleteSession', 'deleteSessions'],
  Tokens: ['putToken', 'consumeToken', 'deleteTokens'],
  Mfa: ['hit', 'peekHits', 'resetHits', 'replaceSession'],
  'rate limits': ['hit', 'peekHits', 'resetHits'],
  'security log': ['appendLog', 'listLogs'],
  OAuth2: ['insertIdentity', 'findIdentityOwner', 'listIdentities', 'replaceIdentity', 'putOnce', 'takeOnce'],
} as const satisfies Record<string, readonly string[]>

export type StorePart = keyof typeof STORE_NEEDS

/** The parts the given settings switch on: rate limits only when on, OAuth2 only with a provider. */
export function partsInUse(settings: { rateLimits: boolean; oauth2Providers: number }): StorePart[] {
  const parts: StorePart[] = ['Accounts', 'Sessions', 'Tokens', 'Mfa', 'security log']
  if (settings.rateLimits) parts.push('rate limits')
  if (settings.oauth2Providers > 0) parts.push('OAuth2')
  return parts
}

/** The first method a part in use needs that `store` lacks, with the part that needs it; null when none is missing. */
export function missingStoreMethod(store: object, parts: readonly StorePart[]): { method: string; part: StorePart } | null {
  for (const part of parts) {
    for (const method of STORE_NEEDS[part]) {
      if (typeof (store as Record<string, unknown>)[method] !== 'function') return { method, part }
    }
  }
  return null
}
