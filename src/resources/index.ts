// Every resource the API serves: the one place a resource is registered.
import type { DependencyContainer } from 'tsyringe'
import type { TenantModel } from '../models/index.js'
import type { ResourceService } from '../services/resource-service.js'
import type { AnyResource, ResourceDeclaration } from './define-resource.js'
import { groups } from './groups.js'

export const RESOURCES: readonly AnyResource[] = [groups]

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
