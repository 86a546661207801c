/**
 * One error class for every failure a caller can act on. `type` is Appwrite's snake_case
 * error type (callers `switch` on it), `code` the HTTP status it is rendered with.
 * Anything that is not an AccountsError reaching the router is a bug and is rendered as
 * `500 general_unknown` with the message hidden. Infrastructure faults are AccountsErrors with
 * types of their own, so a host tells "store down" from "bug" without matching messages:
 * `store_*` (503: the store is unreachable, timed out, or a compare-and-set never settled) and
 * `oauth2_provider_unavailable` (503) / `oauth2_discovery_failed` (502) for an OAuth2 issuer.
 * A 503 carries `Retry-After`; `cause` keeps the underlying fault for logs.
 */

/** `Retry-After` (seconds) sent with a 503 whose error names none. */
export const DEFAULT_RETRY_AFTER = 2

/** Appwrite's default status and message for each error type we raise. */
const DEFAULTS = {
  general_argument_invalid: [400, 'The request contains one or more invalid arguments. Please refer to the endpoint documentation.'],
  general_bad_request: [400, 'There was an error processing your request. Please check the inputs and try again.'],
  general_unauthorized_scope: [401, 'The current user or API key does not have the required scopes to access the requested resource.'],
  general_access_forbidden: [401, 'Access to this API is forbidden.'],
  general_unknown_origin: [403, 'The request originated from an unknown origin. If you trust this domain, please list it as a trusted platform in the Appwrite console.'],
  general_rate_limit_exceeded: [429, 'Rate limit for the current endpoint has been exceeded. Please try again after some time.'],
  general_query_invalid: [400, 'The query is invalid.'],
  general_cursor_not_found: [400, 'The cursor is invalid. This can happen if the item represented by the cursor has been deleted.'],
  general_route_not_found: [404, 'Route not found. Please ensure the endpoint is configured correctly and that the API route is valid for this SDK version. Refer to the API docs for more details.'],
  general_smtp_disabled: [503, 'SMTP disabled'],
  general_phone_disabled: [503, 'Phone provider not configured'],
  general_unknown: [500, 'Server Error'],
  general_server_busy: [503, 'The server is busy. Please try again in a moment.'],
  store_unavailable: [503, 'The data store is unavailable. Please try again later.'],
  store_timeout: [503, 'The data store did not answer in time. Please try again later.'],
  store_contention: [503, 'The record is being changed by other requests. Please try again.'],
  oauth2_provider_unavailable: [503, 'The OAuth2 provider could not be reached. Please try again later.'],
  oauth2_discovery_failed: [502, "The OAuth2 provider's discovery document could not be used. Please check the provider's issuer setting."],
  project_provider_disabled: [412, 'This provider is disabled. Please enable the provider from your Appwrite console to continue.'],
  project_provider_unsupported: [400, 'The chosen OAuth provider is unsupported.'],
  project_invalid_success_url: [400, 'Invalid redirect URL for OAuth success.'],
  project_invalid_failure_url: [400, 'Invalid redirect URL for OAuth failure.'],
  user_oauth2_bad_request: [400, 'OAuth2 provider rejected the bad request.'],
  user_oauth2_unauthorized: [401, 'OAuth2 provider rejected the unauthorized request.'],
  user_oauth2_provider_error: [424, 'OAuth2 provider returned some error.'],
  user_identity_not_found: [404, 'The identity could not be found. Please sign in with OAuth provider to create identity first.'],
  project_not_found: [404, 'Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used.'],
  user_already_exists: [409, 'A user with the same id, email, or phone already exists in this project.'],
  user_target_already_exists: [409, 'A target with the same ID already exists.'],
  user_target_not_found: [404, 'The target could not be found.'],
  // Ours (Appwrite has no per-user target cap): see the `maxPushTargets` option.
  user_target_limit_exceeded: [400, 'The maximum number of push targets for this user has been reached. Delete one first.'],
  user_email_already_exists: [409, 'A user with the same email already exists in the current project.'],
  user_phone_already_exists: [409, 'A user with the same phone number already exists in the current project.'],
  user_invalid_credentials: [401, 'Invalid credentials. Please check the email and password.'],
  user_blocked: [403, 'The current user has been blocked.'],
  user_invalid_token: [401, 'Invalid token passed in the request.'],
  user_session_not_found: [404, 'The current user session could not be found.'],
  user_session_already_exists: [401, 'Creation of a session is prohibited when a session is active.'],
  user_not_found: [404, 'User with the requested ID could not be found.'],
  user_unauthorized: [401, 'The current user is not authorized to perform the requested action.'],
  user_email_not_found: [400, 'Email not found. Please set an email for the current user.'],
  user_phone_not_found: [400, 'Phone number not found. Please set a phone number for the current user.'],
  user_email_already_verified: [409, 'The email of the current user has already been verified.'],
  user_phone_already_verified: [409, 'The phone of the current user has already been verified.'],
  user_jwt_invalid: [401, 'Failed to verify JWT.'],
  user_jwt_and_cookie_set: [403, 'JWT and cookie used in the same request. Use either `setJWT` or `setCookie`, not both.'],
  user_jwt_creation_denied: [403, 'A JWT cannot be created from a request authorized with a JWT.'],
  user_more_factors_required: [401, 'More factors are required to complete the sign in process.'],
  user_challenge_required: [401, 'A recently successful challenge is required to complete this action. A challenge is considered recent for 30 minutes.'],
  user_email_not_verified: [400, 'Email not verified. Please verify your email first.'],
  user_phone_not_verified: [400, 'Phone not verified. Please verify your phone first.'],
  user_authenticator_not_found: [404, 'Authenticator could not be found on the current user.'],
  user_authenticator_already_verified: [409, 'This authenticator is already verified on the current user.'],
  user_recovery_codes_not_found: [404, 'Recovery codes could not be found on the current user.'],
  user_recovery_codes_already_exists: [409, 'Recovery codes already exist on the current user.'],
  user_auth_method_unsupported: [501, 'This authentication method is not supported for this project.'],
  user_anonymous_console_prohibited: [401, 'Anonymous users cannot be created for the console project.'],
  password_personal_data: [400, 'The password you are trying to use contains references to your name, email, phone or userID. For your security, please choose a different password and try again.'],
  password_recently_used: [400, 'The password you are trying to use is similar to your previous password. For your security, please choose a different password and try again.'],
} as const satisfies Record<string, readonly [number, string]>

/** Every error type this package answers with (Appwrite's names), e.g. `user_invalid_credentials`. */
export type AccountsErrorType = keyof typeof DEFAULTS

/** Options of `new AccountsError()`. */
export interface AccountsErrorOptions {
  /** The fault behind this error (e.g. the store's connection error), kept for logs. */
  cause?: unknown | undefined
  /** Seconds the client should wait before retrying; sent as `Retry-After`. */
  retryAfter?: number | undefined
}

/** An Appwrite-shaped failure: `type`, `code` (HTTP status), and http-errors' `status` / `statusCode` / `expose`, so any Express error handler renders it right. Tell failures apart by `type` or `status`, never by message. */
export class AccountsError extends Error {
  override readonly name = 'AccountsError'
  /** Appwrite's error type, e.g. `user_invalid_credentials`. */
  readonly type: AccountsErrorType
  /** HTTP status the error is rendered with. */
  readonly code: number
  /** Same as `code`: any Express error handler (Express' default one too) renders this status. */
  readonly status: number
  /** Same as `code`, for handlers that read `statusCode`. */
  readonly statusCode: number
  /** `status < 500`: the message is meant for the client (http-errors' convention). */
  readonly expose: boolean
  /** Seconds before a retry makes sense (`Retry-After`); undefined when the error names none. */
  readonly retryAfter: number | undefined

  constructor(type: AccountsErrorType, message?: string, options?: AccountsErrorOptions) {
    const [code, text] = DEFAULTS[type]
    super(message ?? text, options?.cause === undefined ? undefined : { cause: options.cause })
    this.type = type
    this.code = code
    this.status = code
    this.statusCode = code
    this.expose = code < 500
    const retryAfter = options?.retryAfter
    if (retryAfter !== undefined && !(Number.isFinite(retryAfter) && retryAfter >= 0)) {
      throw new TypeError('AccountsError options.retryAfter must be a number of seconds >= 0')
    }
    this.retryAfter = retryAfter
  }

  /**
   * `Retry-After` for a 503 (the error's own `retryAfter`, else {@link DEFAULT_RETRY_AFTER}) or an
   * error that names one; undefined otherwise. Express' default handler sends `err.headers`.
   * Read when rendered, not fixed at construction: `withRetryAfter()` sets `retryAfter` on an
   * error already built (the bcrypt gate's 1 s), and the header must say that, not the default.
   */
  get headers(): Record<string, string> | undefined {
    const wait = this.retryAfter ?? (this.code === 503 ? DEFAULT_RETRY_AFTER : undefined)
    return wait === undefined ? undefined : { 'Retry-After': String(Math.ceil(wait)) }
  }
}

/** `400 general_argument_invalid` with Appwrite's wording for a bad parameter. */
export function invalidParam(param: string, description: string): AccountsError {
  return new AccountsError('general_argument_invalid', `Invalid \`${param}\` param: ${description}`)
}

/** `400 general_argument_invalid` for a required parameter that is absent. */
export function missingParam(param: string): AccountsError {
  return new AccountsError('general_argument_invalid', `Param "${param}" is not optional.`)
}
