/**
 * Every route the router answers, read from lib/http/routes/*.ts (kept in step by the
 * `covers every route the router registers` test in router.test.ts of this folder), with the
 * parameters each reads from the body or the query string.
 */
export interface FuzzRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Under `/v1`; `:name` segments are filled by the fuzzer. */
  path: string
  params: string[]
}

const r = (method: FuzzRoute['method'], path: string, ...params: string[]): FuzzRoute => ({ method, path, params })

export const ROUTES: FuzzRoute[] = [
  // account-routes.ts
  r('POST', '/account', 'userId', 'email', 'password', 'name'),
  r('GET', '/account'),
  r('DELETE', '/account'),
  r('PATCH', '/account/name', 'name'),
  r('PATCH', '/account/password', 'password', 'oldPassword'),
  r('PATCH', '/account/email', 'email', 'password'),
  r('PATCH', '/account/phone', 'phone', 'password'),
  r('GET', '/account/prefs'),
  r('PATCH', '/account/prefs', 'prefs'),
  r('PATCH', '/account/status'),
  // session-routes.ts
  r('POST', '/account/sessions/email', 'email', 'password'),
  r('POST', '/account/sessions', 'email', 'password'),
  r('POST', '/account/sessions/anonymous'),
  r('GET', '/account/sessions'),
  r('DELETE', '/account/sessions'),
  r('GET', '/account/sessions/:sessionId'),
  r('PATCH', '/account/sessions/:sessionId'),
  r('DELETE', '/account/sessions/:sessionId'),
  // token-routes.ts
  r('POST', '/account/tokens/email', 'userId', 'email', 'phrase'),
  r('POST', '/account/tokens/magic-url', 'userId', 'email', 'url', 'phrase'),
  r('POST', '/account/sessions/magic-url', 'userId', 'email', 'url', 'phrase'),
  r('POST', '/account/tokens/phone', 'userId', 'phone'),
  r('POST', '/account/sessions/phone', 'userId', 'phone'),
  r('POST', '/account/sessions/token', 'userId', 'secret'),
  r('PUT', '/account/sessions/magic-url', 'userId', 'secret'),
  r('PUT', '/account/sessions/phone', 'userId', 'secret'),
  // recovery-routes.ts
  r('POST', '/account/recovery', 'email', 'url'),
  r('PUT', '/account/recovery', 'userId', 'secret', 'password'),
  r('POST', '/account/verifications/email', 'url'),
  r('PUT', '/account/verifications/email', 'userId', 'secret'),
  r('POST', '/account/verification', 'url'),
  r('PUT', '/account/verification', 'userId', 'secret'),
  r('POST', '/account/verifications/phone'),
  r('PUT', '/account/verifications/phone', 'userId', 'secret'),
  r('POST', '/account/verification/phone'),
  r('PUT', '/account/verification/phone', 'userId', 'secret'),
  // jwt-routes.ts
  r('POST', '/account/jwts', 'duration'),
  r('POST', '/account/jwt', 'duration'),
  // oauth2-routes.ts
  r('GET', '/account/sessions/oauth2/callback/:provider', 'code', 'state', 'error', 'error_description'),
  r('GET', '/account/sessions/oauth2/:provider', 'success', 'failure', 'scopes'),
  r('GET', '/account/tokens/oauth2/:provider', 'success', 'failure', 'scopes'),
  r('GET', '/account/identities', 'queries', 'total'),
  r('DELETE', '/account/identities/:identityId'),
  // mfa-routes.ts
  r('PATCH', '/account/mfa', 'mfa'),
  r('POST', '/account/mfa/authenticators/:type'),
  r('PUT', '/account/mfa/authenticators/:type', 'otp'),
  r('DELETE', '/account/mfa/authenticators/:type'),
  r('POST', '/account/mfa/challenges', 'factor'),
  r('PUT', '/account/mfa/challenges', 'challengeId', 'otp'),
  r('POST', '/account/mfa/challenge', 'factor'),
  r('PUT', '/account/mfa/challenge', 'challengeId', 'otp'),
  r('GET', '/account/mfa/factors'),
  r('POST', '/account/mfa/recovery-codes'),
  r('GET', '/account/mfa/recovery-codes'),
  r('PATCH', '/account/mfa/recovery-codes'),
  // target-routes.ts
  r('POST', '/account/targets/push', 'targetId', 'identifier', 'providerId'),
  r('PUT', '/account/targets/:targetId/push', 'identifier'),
  r('DELETE', '/account/targets/:targetId/push'),
]
