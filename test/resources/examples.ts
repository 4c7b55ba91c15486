// Valid request bodies for any declared resource, in any API version, taken from the examples its
// schemas carry for the OpenAPI document: the matrices over RESOURCES need nothing else from a
// declaration, and an example that is not valid fails them.
import { z } from 'zod'
import type { ApiVersion } from '../../src/http/versioning/versions.js'
import type { AnyResource } from '../../src/resources/define-resource.js'

type Body = Record<string, unknown>

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

/** A create body and an update body that `version` accepts. */
export function bodiesOf(resource: AnyResource, version: ApiVersion): { create: Body; update: Body } {
  const { create, update } = resource.schemas
  return {
    create: exampleOf(schemaIn(resource, version, create), `${version} POST ${resource.path}`),
    update: exampleOf(schemaIn(resource, version, update), `${version} PATCH ${resource.path}/{id}`),
  }
}
