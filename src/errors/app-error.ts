// The one coded error: its status comes from the catalogue, and so does its message when the
// caller has nothing more to say.
import { ERROR_CATALOGUE, type ErrorCode, type ErrorDetail } from './catalogue.js'

export type { ErrorCode, ErrorDetail } from './catalogue.js'

export class AppError extends Error {
  override name = 'AppError'
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CATALOGUE[code].message,
    readonly details?: ErrorDetail[],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.status = ERROR_CATALOGUE[code].status
    this.retryAfterSeconds = options?.retryAfterSeconds
  }

  readonly retryAfterSeconds: number | undefined
}

export const validationError = (details: ErrorDetail[], message = 'request validation failed') =>
  new AppError('VALIDATION_ERROR', message, details)
export const unauthorized = (message?: string) => new AppError('UNAUTHORIZED', message)
export const forbidden = (message?: string) => new AppError('FORBIDDEN', message)
export const notFound = (what = 'resource') => new AppError('NOT_FOUND', `${what} not found`)
export const conflict = (message: string) => new AppError('CONFLICT', message)
export const preconditionFailed = (message = 'If-Match does not match the current version') =>
  new AppError('PRECONDITION_FAILED', message)
export const serviceUnavailable = (cause?: unknown, retryAfterSeconds = 1) =>
  new AppError('SERVICE_UNAVAILABLE', undefined, undefined, { cause, retryAfterSeconds })
