// Errors of an AWS SDK client (DynamoDB, KMS) that mean "it cannot serve us right now", after the
// SDK's own retries. The data layer turns them into 503s at once; the error handler does the same
// for any that reach it another way.
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

/** Whether the error says a dependency is down, throttling or not answering (not a bug of ours). */
export function isUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const sdkError = error as SdkError
  if (sdkError.name && UNAVAILABLE_NAMES.has(sdkError.name)) return true
  if (sdkError.code && NETWORK_CODES.has(sdkError.code) && sdkError.$metadata) return true
  const status = sdkError.$metadata?.httpStatusCode
  return status !== undefined && status >= 500
}
