// A resource is declared once: its model and what the service needs (access policy, how input
// becomes an item), its HTTP side (path, shapes, documentation, lists) and how it looks in older
// API versions. The service, routes, OpenAPI entries, version transforms, audit entity types, the
// model registry and the container registrations are all derived from the list in index.ts.
import type { ResourceRoutesSpec } from '../http/routes/resource-routes.js'
import type { VersionChanges } from '../http/versioning/schema-change.js'
import type { TenantModel } from '../models/index.js'
import type { PageRequest, ResourceSpec } from '../services/resource-service.js'

export interface ResourceDeclaration<M extends TenantModel, Create, Update, Query extends PageRequest>
  extends ResourceSpec<M, Create, Update>,
    ResourceRoutesSpec<M, Create, Update, Query> {
  /** How the resource looks in each API version, relative to the shapes above. */
  versions: VersionChanges
}

/** Checks a declaration and keeps its types (Create, Update and Query are inferred from it). */
export function defineResource<M extends TenantModel, Create, Update, Query extends PageRequest>(
  declaration: ResourceDeclaration<M, Create, Update, Query>,
): ResourceDeclaration<M, Create, Update, Query> {
  return declaration
}

// biome-ignore lint/suspicious/noExplicitAny: a list of resources holds any of their types
export type AnyResource = ResourceDeclaration<any, any, any, any>
