// The response envelope of docs/api.md, built in one place.
import type { AppError } from '../errors/app-error.js'
import { isoTime } from '../observability/iso-time.js'

export function success<T>(data: T) {
  return { success: true as const, data, timestamp: isoTime() }
}

export function page<T>(data: T[], nextCursor: string | null, limit: number) {
  return { success: true as const, data, page: { nextCursor, limit }, timestamp: isoTime() }
}

export function failure(error: AppError, correlationId: string) {
  return {
    success: false as const,
    error: {
      code: error.code,
      message: error.message,
      ...(error.details && error.details.length > 0 ? { details: error.details } : {}),
    },
    correlationId,
    timestamp: isoTime(),
  }
}
