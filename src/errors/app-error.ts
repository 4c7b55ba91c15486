// The one error catalogue: every error a client can see has a code, a status and a safe message.

export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TENANT_SUSPENDED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  REQUEST_TIMEOUT: 408,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ErrorDetail {
  field: string
  message: string
}

export class AppError extends Error {
  override name = 'AppError'
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.status = ERROR_STATUS[code]
    this.retryAfterSeconds = options?.retryAfterSeconds
  }

  readonly retryAfterSeconds: number | undefined
}

export const validationError = (details: ErrorDetail[], message = 'request validation failed') =>
  new AppError('VALIDATION_ERROR', message, details)
export const unauthorized = (message = 'authentication required') => new AppError('UNAUTHORIZED', message)
export const forbidden = (message = 'not allowed') => new AppError('FORBIDDEN', message)
export const notFound = (what = 'resource') => new AppError('NOT_FOUND', `${what} not found`)
export const conflict = (message: string) => new AppError('CONFLICT', message)
export const preconditionFailed = (message = 'If-Match does not match the current version') =>
  new AppError('PRECONDITION_FAILED', message)
export const serviceUnavailable = (cause?: unknown, retryAfterSeconds = 1) =>
  new AppError('SERVICE_UNAVAILABLE', 'the service is temporarily unavailable', undefined, {
    cause,
    retryAfterSeconds,
  })
