import { AppError } from '../errors/app-error.js'

/** What every service method returns: a value, or the domain error the HTTP layer maps to a status. */
export type ServiceResult<T> = { ok: true; value: T } | { ok: false; error: AppError }

export const ok = <T>(value: T): ServiceResult<T> => ({ ok: true, value })
export const fail = <T = never>(error: AppError): ServiceResult<T> => ({ ok: false, error })

/** Runs data-layer work, turning its domain errors (4xx) into a failed result; outages still throw. */
export async function attempt<T>(work: Promise<T>): Promise<ServiceResult<T>> {
  try {
    return ok(await work)
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return fail(error)
    throw error
  }
}
