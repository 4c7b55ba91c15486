// Valid request bodies for any declared resource, in any API version, taken from the examples its
// schemas carry for the OpenAPI document: the matrices over RESOURCES need nothing else from a
// declaration, and an example that is not valid fails them.
import { z } from 'zod'
import type { ApiVersion } from '../../src/http/versioning/versions.js'
import type { AnyResource } from '../../src/resources/define-resource.js'
import { RESOURCES } from '../../src/resources/index.js'

type Body = Record<string, unknown>

/**
 * The declared resources whose items live inside the caller's tenant: those the matrices try. A
 * resource whose items are partitions of their own (tenants, the platform's) has its own tests.
 */
export const TENANT_RESOURCES = RESOURCES.filter((resource) => !resource.partitionOf)

/** The schema `version` accepts where the handlers take `current`. */
export function schemaIn(resource: AnyResource, version: ApiVersion, current: z.ZodType): z.ZodType {
  return resource.versions[version].find((change) => change.current === current)?.version ?? current
}

/** The first example of a schema, which must be valid. */
export function exampleOf(schema: z.ZodType, what: string): Body {
  const examples = z.globalRegistry.get(schema)?.examples
  const example = (Array.isArray(examples) ? examples[0] : undefined) as Body | undefined
  if (!example) throw new Error(`${what} has no example`)
  const parsed = schema.safeParse(example)
  if (!parsed.success) throw new Error(`the example of ${what} is not valid: ${parsed.error.message}`)
  return example
}

/**
 * A create body and an update body that `version` accepts. Where a client may name the id (users),
 * the create body leaves it out, so that every item created from it gets an id of its own.
 */
export function bodiesOf(resource: AnyResource, version: ApiVersion): { create: Body; update: Body } {
  const creates = schemaIn(resource, version, resource.schemas.create)
  const { id: _id, ...unnamed } = exampleOf(creates, `${version} POST ${resource.path}`)
  return {
    create: creates.safeParse(unnamed).success ? unnamed : exampleOf(creates, resource.path),
    update: exampleOf(
      schemaIn(resource, version, resource.schemas.update),
      `${version} PATCH ${resource.path}/{id}`,
    ),
  }
}

/**
 * Whether a route (`/v2/groups/:id`) is one of those every tenant resource gets (see
 * resource-routes.ts): its list and create, batch, read, update and delete. Routes a resource adds
 * of its own (users' /users/me) are not.
 */
export function isResourceRoute(url: string): boolean {
  const path = url.replace(/^\/v\d+/, '')
  return TENANT_RESOURCES.some((resource) =>
    [resource.path, `${resource.path}/:id`, `${resource.path}/batch`].includes(path),
  )
}
