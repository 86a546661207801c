import { AccountsError } from '../errors.js'

/** A provider endpoint answered with a non-2xx status. */
export class ProviderHttpError extends Error {
  override readonly name = 'ProviderHttpError'
  constructor(
    readonly host: string,
    readonly status: number,
  ) {
    super(`${host} answered HTTP ${status}`)
  }
}

/** The issuer's discovery document parsed but names no usable endpoints. */
export class DiscoveryDocumentError extends Error {
  override readonly name = 'DiscoveryDocumentError'
}

/**
 * What a failed OpenID Connect discovery means to a host: a network error, a timeout or a 5xx
 * is the issuer being down (`503 oauth2_provider_unavailable`, retry later); a 4xx, a body that
 * is not JSON or a document without endpoints is a wrong `issuer` setting (`502
 * oauth2_discovery_failed`, retrying will not help). Either keeps the fault as `cause`.
 */
export function discoveryFailure(provider: string, err: unknown): AccountsError {
  const name = (err as { name?: unknown } | null)?.name
  const misconfigured =
    (err instanceof ProviderHttpError && err.status < 500) || err instanceof SyntaxError || err instanceof DiscoveryDocumentError
  if (misconfigured) {
    return new AccountsError('oauth2_discovery_failed', `The ${provider} provider's discovery document could not be used: ${(err as Error).message}`.slice(0, 300), { cause: err })
  }
  const detail = name === 'TimeoutError' || name === 'AbortError' ? 'it did not answer in time' : err instanceof Error ? err.message : String(err)
  return new AccountsError('oauth2_provider_unavailable', `The ${provider} provider could not be reached: ${detail}`.slice(0, 300), { cause: err })
}
