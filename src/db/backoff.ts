/** Retry bounds for work DynamoDB hands back unprocessed. */
export interface BackoffOptions {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2_000 }

/** "Full jitter" exponential backoff: a random delay up to base·2^attempt, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random): number {
  return Math.floor(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt))
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
