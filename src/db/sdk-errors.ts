import { serviceUnavailable } from '../errors/app-error.js'
import { isUnavailable } from '../errors/unavailable.js'

export function isConditionalCheckFailed(error: unknown): error is { Item?: Record<string, unknown> } {
  return (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException'
}

/** Turns a dependency failure into a 503; anything else is a bug and stays as it is. */
export function mapSdkError(error: unknown): unknown {
  return isUnavailable(error) ? serviceUnavailable(error) : error
}

/** Runs a DynamoDB call, turning its failure into a domain error (see mapSdkError). */
export async function sendMapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw mapSdkError(error)
  }
}
