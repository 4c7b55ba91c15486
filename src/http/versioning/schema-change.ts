// How an API version differs from the shape the handlers speak, declared per resource as data: for
// each handler-side schema a version changes, the version's own schema and the conversion between
// the two. Schemas are matched by identity, so a change applies wherever its schema is used.
import type { z } from 'zod'
import type { ApiVersion } from './versions.js'

export interface SchemaChange {
  /** The handlers' schema: a route's body, querystring, params or headers, or the data of a response envelope. */
  readonly current: z.ZodType
  /** What the version accepts or answers instead (validated, and shown in the OpenAPI document). */
  readonly version: z.ZodType
  /** Request parts: a value parsed by `version`, as the handlers expect it. */
  toCurrent?(value: unknown): unknown
  /** Response data: the handlers' value, as the version shows it. */
  toVersion?(value: unknown): unknown
}

/**
 * Each version's changes for one resource. It is keyed by every ApiVersion, so adding a version
 * makes the compiler ask each resource how it looks there; `[]` means "as the handlers speak".
 */
export type VersionChanges = Readonly<Record<ApiVersion, readonly SchemaChange[]>>

/** All resources' changes, per version. */
export function mergeChanges(...resources: VersionChanges[]): VersionChanges {
  const merged = {} as Record<ApiVersion, SchemaChange[]>
  for (const resource of resources) {
    for (const [version, changes] of Object.entries(resource) as [ApiVersion, readonly SchemaChange[]][]) {
      merged[version] = [...(merged[version] ?? []), ...changes]
    }
  }
  return merged
}
