/**
 * Every route the router answers (the Account service and the Users service mounted at
 * `/users`), read from lib/http/routes/*.ts (kept in step by the
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
  // log-routes.ts
  r('GET', '/account/logs', 'queries', 'total'),
  // users-router.ts (mounted at /users; API keys only)
  // users-list-routes.ts
  r('GET', '/users', 'queries', 'search', 'total'),
  // users-identity-routes.ts
  r('GET', '/users/identities', 'queries', 'search', 'total'),
  r('DELETE', '/users/identities/:identityId'),
  // users-routes.ts
  r('POST', '/users', 'userId', 'email', 'phone', 'password', 'name'),
  r('GET', '/users/:userId'),
  r('DELETE', '/users/:userId'),
  r('PATCH', '/users/:userId/name', 'name'),
  r('PATCH', '/users/:userId/email', 'email'),
  r('PATCH', '/users/:userId/phone', 'number'),
  r('PATCH', '/users/:userId/password', 'password'),
  r('PATCH', '/users/:userId/status', 'status'),
  r('PATCH', '/users/:userId/verification', 'emailVerification'),
  r('PATCH', '/users/:userId/verification/phone', 'phoneVerification'),
  r('PATCH', '/users/:userId/mfa', 'mfa'),
  r('PATCH', '/users/:userId/impersonator', 'impersonator'),
  r('PUT', '/users/:userId/labels', 'labels'),
  r('GET', '/users/:userId/logs', 'queries', 'total'),
  r('GET', '/users/:userId/prefs'),
  r('PATCH', '/users/:userId/prefs', 'prefs'),
  r('GET', '/users/:userId/memberships'),
  // users-session-routes.ts
  r('GET', '/users/:userId/sessions'),
  r('POST', '/users/:userId/sessions'),
  r('DELETE', '/users/:userId/sessions'),
  r('DELETE', '/users/:userId/sessions/:sessionId'),
  r('POST', '/users/:userId/tokens', 'length', 'expire'),
  r('POST', '/users/:userId/jwts', 'sessionId', 'duration'),
  // users-mfa-routes.ts
  r('GET', '/users/:userId/mfa/factors'),
  r('DELETE', '/users/:userId/mfa/authenticators/:type'),
  r('GET', '/users/:userId/mfa/recovery-codes'),
  r('PATCH', '/users/:userId/mfa/recovery-codes'),
  r('PUT', '/users/:userId/mfa/recovery-codes'),
  // users-target-routes.ts
  r('GET', '/users/:userId/targets', 'queries', 'total'),
  r('POST', '/users/:userId/targets', 'targetId', 'providerType', 'identifier', 'providerId', 'name'),
  r('GET', '/users/:userId/targets/:targetId'),
  r('PATCH', '/users/:userId/targets/:targetId', 'identifier', 'providerId', 'name'),
  r('DELETE', '/users/:userId/targets/:targetId'),
  // users-import-routes.ts
  r('POST', '/users/argon2', 'userId', 'email', 'name', 'password'),
  r('POST', '/users/bcrypt', 'userId', 'email', 'name', 'password'),
  r('POST', '/users/md5', 'userId', 'email', 'name', 'password'),
  r('POST', '/users/phpass', 'userId', 'email', 'name', 'password'),
  r('POST', '/users/sha', 'userId', 'email', 'name', 'password', 'passwordVersion'),
  r('POST', '/users/scrypt', 'userId', 'email', 'name', 'password', 'passwordSalt', 'passwordCpu', 'passwordMemory', 'passwordParallel', 'passwordLength'),
  r('POST', '/users/scrypt-modified', 'userId', 'email', 'name', 'password', 'passwordSalt', 'passwordSaltSeparator', 'passwordSignerKey'),
]
