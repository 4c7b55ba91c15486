// The one error catalogue: every error a client can see, by code. AppError's status, the messages
// of refusals whose cause stays hidden, the error handler's reading of a bare status and the
// OpenAPI document's error codes and examples all come from here.

export interface ErrorDetail {
  field: string
  message: string
}

export interface ErrorEntry {
  status: number
  /**
   * What the client is told when the cause must not be shown: a framework's or plugin's refusal
   * known only by its status, a token that did not verify, a failed dependency, a bug.
   */
  message: string
  /** The `error` of this code's example body in the OpenAPI document. */
  example: { message: string; details?: ErrorDetail[] }
  /** It names one cause, so an error known only by its status is never given this code. */
  specific?: true
}

const CATALOGUE = {
  VALIDATION_ERROR: {
    status: 400,
    message: 'the request is malformed',
    example: {
      message: 'request validation failed',
      details: [{ field: 'name', message: 'Too small: expected string to have >=1 characters' }],
    },
  },
  UNAUTHORIZED: {
    status: 401,
    message: 'a valid bearer token is required',
    example: { message: 'a valid bearer token is required' },
  },
  FORBIDDEN: {
    status: 403,
    // @fastify/static refuses some asset paths this way; it says no more than that.
    message: 'the request was refused',
    example: { message: 'only the owner or a tenant admin may change this group' },
  },
  TENANT_SUSPENDED: {
    status: 403,
    message: 'this tenant is suspended',
    example: { message: 'this tenant is suspended' },
    specific: true,
  },
  NOT_FOUND: { status: 404, message: 'not found', example: { message: 'group not found' } },
  CONFLICT: {
    status: 409,
    message: 'the request conflicts with the current data',
    example: { message: 'the item was changed by another request; read it again and retry' },
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'the request did not arrive in time',
    example: { message: 'the request did not arrive in time' },
  },
  PRECONDITION_FAILED: {
    status: 412,
    // As for a conditional request to a Swagger UI asset, whose condition may not be If-Match.
    message: 'the request was refused',
    example: { message: 'If-Match does not match the current version' },
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'the request body is too large',
    example: { message: 'the request body is too large' },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'the request body must be application/json',
    example: { message: 'the request body must be application/json' },
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'this Idempotency-Key was used for another request',
    example: { message: 'this Idempotency-Key was used for another request' },
    specific: true,
  },
  RATE_LIMITED: {
    status: 429,
    message: 'too many requests for this tenant; retry later',
    example: { message: 'too many requests for this tenant; retry later' },
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'the request headers are too large',
    example: { message: 'the request headers are too large' },
  },
  INTERNAL_ERROR: {
    status: 500,
    message: 'an internal error occurred',
    example: { message: 'an internal error occurred' },
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'the service is temporarily unavailable',
    example: { message: 'the service is temporarily unavailable' },
  },
} satisfies Record<string, ErrorEntry>

export type ErrorCode = keyof typeof CATALOGUE

export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorEntry>> = CATALOGUE

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[]

/** The codes a status stands for, in catalogue order. */
export function codesWithStatus(status: number): ErrorCode[] {
  return ERROR_CODES.filter((code) => ERROR_CATALOGUE[code].status === status)
}

/** The code of an error known only by its status: the first with that status that is not specific. */
export function codeOfStatus(status: number): ErrorCode | undefined {
  return codesWithStatus(status).find((code) => !ERROR_CATALOGUE[code].specific)
}
