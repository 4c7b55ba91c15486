import type { ServiceResult } from '../services/service-result.js'

/** Returns the value of a successful result, or throws its error for the error handler. */
export function unwrap<T>(result: ServiceResult<T>): T {
  if (!result.ok) throw result.error
  return result.value
}

/** `/v2/tenants` + id → `/v2/tenants/<id>` (the collection URL the request was sent to). */
export function locationOf(collectionUrl: string, id: string): string {
  return `${collectionUrl.split('?')[0]?.replace(/\/$/, '')}/${encodeURIComponent(id)}`
}

/** A route option's hooks as a list (Fastify takes one function or several). */
export function hooksOf<Hook>(hooks: Hook | Hook[] | undefined): Hook[] {
  if (hooks === undefined) return []
  return Array.isArray(hooks) ? hooks : [hooks]
}
