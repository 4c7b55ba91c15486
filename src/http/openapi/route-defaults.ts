// What every route documents without saying so: the errors its options make possible, and whether
// it needs a token. Route files declare their own responses and route-specific errors only, and a
// route added later (say POST /v2/groups/batch) is documented the same way.
import type { RouteOptions } from 'fastify'
import { takesOpaqueId } from '../schemas/resource-schemas.js'
import { errorResponses } from '../schemas/responses.js'

type DocumentedSchema = NonNullable<RouteOptions['schema']> & { hide?: boolean; security?: unknown[] }

export function documentRouteDefaults(route: RouteOptions): void {
  const schema = (route.schema ?? {}) as DocumentedSchema
  if (schema.hide) return
  const isPublic = route.config?.public === true
  const defaults = errorResponses(...errorStatuses(schema, isPublic))
  route.schema = {
    ...schema,
    ...(isPublic ? { security: [] } : {}),
    // The route's own entries win: /health/ready documents its own 503.
    response: { ...defaults, ...(schema.response as object | undefined) },
  }
}

/** The statuses the app's plugins may answer this route with, besides its own. */
export function errorStatuses(schema: DocumentedSchema, isPublic: boolean): number[] {
  const statuses = new Set<number>()
  // A malformed opaque id answers 404, which any id in a path may.
  const badParams = schema.params !== undefined && !takesOpaqueId(schema.params)
  if (schema.body || schema.querystring || badParams || schema.headers) statuses.add(400)
  if (schema.body) {
    statuses.add(413)
    statuses.add(415)
  }
  if (!isPublic) {
    statuses.add(401) // no valid token
    statuses.add(403) // the role does not allow it, or the tenant is suspended
    statuses.add(429) // the tenant's rate limit
    statuses.add(503) // DynamoDB unavailable or throttled
  }
  if (schema.params) statuses.add(404)
  statuses.add(500)
  return [...statuses].sort((a, b) => a - b)
}
