// What a resource declares to get the generic service (ResourceService): its model, who may do what
// with its items, how input becomes an item, which lists it has, and its hooks.
import type { Filter } from '../db/filter.js'
import type { QueryRequest } from '../db/table-gateway.js'
import type { AppError } from '../errors/app-error.js'
import type { ModelClass, TenantModel } from '../models/index.js'
import type { RequestContext } from './request-context.js'
import type { ResourceDeps, ResourceHooks } from './resource-hooks.js'
import type { ServiceResult } from './service-result.js'

export interface PageRequest {
  limit: number
  cursor?: string | undefined
  /** Fields to read (all when omitted). */
  fields?: readonly string[] | undefined
}

/** One item of a batch create: the id it got, or why it was not written. */
export type BatchCreateOutcome = { index: number; id: string } | { index: number; error: AppError }

/** Who may do what with a resource's items. */
export interface AccessPolicy<M extends TenantModel, Create = never, Update = never> {
  /** Refuses a create (FORBIDDEN), or allows it when absent or returning undefined. */
  create?(context: RequestContext, input: Create): AppError | undefined
  /** An item the caller may not read answers 404, exactly as a missing one. */
  read(context: RequestContext, item: M): boolean
  /** An item the caller may read but not change answers 403 with `writeRefusal`. */
  write(context: RequestContext, item: M): boolean
  writeRefusal: string
  /** Refuses an update for what it changes, once the item is found writable and at the expected version. */
  change?(context: RequestContext, item: M, changes: Update): AppError | undefined
  /** Refuses every list to this caller. */
  list?(context: RequestContext): AppError | undefined
  /** What a list shows this caller (a filter on the items of the list's partition). */
  listFilter?(context: RequestContext): Filter | undefined
}

/** Where a list reads: a partition of an index, and optionally a range and order in it. */
export type ListQuery = Omit<QueryRequest, 'limit' | 'cursor' | 'fields'>

export interface ListSpec<M extends TenantModel, Params> {
  /** The partition (and range) to read; an error result refuses the request. */
  query(context: RequestContext, params: Params, model: ModelClass<M>): ServiceResult<ListQuery | 'empty'>
  /** Whether the policy's list filter applies (a list of the caller's own items needs none). */
  filtered: boolean
  /** The partition of the table the list reads in (the caller's tenant when absent). */
  scope?(context: RequestContext): string
}

export interface ResourceSpec<M extends TenantModel, Create, Update> {
  model: ModelClass<M>
  access: AccessPolicy<M, Create, Update>
  /** Sets a new item's fields from the create input (id, tenant, owner and times are set already). */
  create(item: M, input: Create): void
  /** Applies a partial update. */
  update(item: M, changes: Update): void
  /** A new item's id when the input may choose it (`generate` gives the stamp's next id). */
  id?(input: Create, generate: () => string): string
  /** The partition of the table an item lives in (the caller's tenant when absent). */
  partitionOf?(context: RequestContext, id: string): string
  /** What is particular to the resource, given what it needs at run time. */
  hooks?(deps: ResourceDeps): ResourceHooks<M>
}
