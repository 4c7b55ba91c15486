// Every resource the API serves: the one place a resource is registered.
import type { DependencyContainer } from 'tsyringe'
import { CORE_MODELS, layoutOf, type Model, type ModelClass, type TenantModel } from '../models/index.js'
import type { ResourceService } from '../services/resource-service.js'
import type { AnyResource, ResourceDeclaration } from './define-resource.js'
import { groups } from './groups.js'
import { tenants } from './tenants.js'
import { users } from './users.js'

export const RESOURCES: readonly AnyResource[] = [groups, tenants, users]

/**
 * Every model the table stores: each resource's, then the core ones. The table definition (and its
 * template), the IAM LeadingKeys check and log redaction read this list.
 */
export const ALL_MODELS: readonly ModelClass<Model>[] = [
  ...RESOURCES.map((resource) => resource.model as ModelClass<Model>),
  ...CORE_MODELS,
]

/**
 * What the audit log records changes to: each resource, those inside a tenant first, then those
 * whose items are partitions of their own (tenants).
 */
export const AUDITED_ENTITY_TYPES: readonly [string, ...string[]] = [
  ...RESOURCES.filter((resource) => !resource.partitionOf),
  ...RESOURCES.filter((resource) => resource.partitionOf),
].map((resource) => layoutOf(resource.model).modelName) as unknown as [string, ...string[]]

/** The container token of a resource's service. */
export const serviceToken = (resource: AnyResource) => `ResourceService:${resource.noun}`

/** A resource's service, typed by its declaration. */
export function resourceService<M extends TenantModel, Create, Update>(
  container: DependencyContainer,
  // biome-ignore lint/suspicious/noExplicitAny: the list query type does not matter here
  resource: ResourceDeclaration<M, Create, Update, any>,
): ResourceService<M, Create, Update> {
  return container.resolve<ResourceService<M, Create, Update>>(serviceToken(resource))
}
