import { serviceUnavailable } from '../errors/app-error.js'

// Errors that mean "DynamoDB cannot serve us right now", after the SDK's own retries.
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ResourceNotFoundException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
])
// Socket errors count only when the SDK raised them (it marks its errors with $metadata): the
// same codes come from a client hanging up on us, which is no sign of DynamoDB's health.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
])

interface SdkError {
  name?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
}

export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const sdkError = error as SdkError
  if (sdkError.name && UNAVAILABLE_NAMES.has(sdkError.name)) return true
  if (sdkError.code && NETWORK_CODES.has(sdkError.code) && sdkError.$metadata) return true
  const status = sdkError.$metadata?.httpStatusCode
  return status !== undefined && status >= 500
}

export function isConditionalCheckFailed(error: unknown): error is { Item?: Record<string, unknown> } {
  return (error as SdkError | undefined)?.name === 'ConditionalCheckFailedException'
}

/** Turns a dependency failure into a 503; anything else is a bug and stays as it is. */
export function mapSdkError(error: unknown): unknown {
  return isUnavailable(error) ? serviceUnavailable(error) : error
}
