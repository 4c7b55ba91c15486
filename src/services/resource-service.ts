// The service every declared resource gets: create (alone or in batches), read, partial update
// with If-Match, soft delete and lists, each write in one transaction with its audit entry. What is
// particular to a resource (who may do what, which lists it has, how input becomes an item) comes
// from its ResourceSpec.
import type { ChangeWriter } from '../db/change-writer.js'
import type { Filter } from '../db/filter.js'
import type { Page, QueryRequest, TableGateway } from '../db/table-gateway.js'
import { AppError, forbidden, notFound, preconditionFailed, validationError } from '../errors/app-error.js'
import { initialise, keyOf, layoutOf, type ModelClass, type TenantModel } from '../models/index.js'
import { auditEntry, difference, snapshot, valuesOf } from './audit.js'
import type { Clock } from './clock.js'
import { type ExpectedVersions, versionMatches } from './expected-versions.js'
import { actingUserId, type RequestContext } from './request-context.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'
import { WriteStamp } from './write-stamp.js'

export interface PageRequest {
  limit: number
  cursor?: string | undefined
  /** Fields to read (all when omitted). */
  fields?: readonly string[] | undefined
}

/** One item of a batch create: the id it got, or why it was not written. */
export type BatchCreateOutcome = { index: number; id: string } | { index: number; error: AppError }

/** Who may do what with a resource's items. */
export interface AccessPolicy<M extends TenantModel> {
  /** Refuses a create (FORBIDDEN), or allows it when absent or returning undefined. */
  create?(context: RequestContext): AppError | undefined
  /** An item the caller may not read answers 404, exactly as a missing one. */
  read(context: RequestContext, item: M): boolean
  /** An item the caller may read but not change answers 403 with `writeRefusal`. */
  write(context: RequestContext, item: M): boolean
  writeRefusal: string
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
}

export interface ResourceSpec<M extends TenantModel, Create, Update> {
  model: ModelClass<M>
  access: AccessPolicy<M>
  /** Sets a new item's fields from the create input (id, tenant, owner and times are set already). */
  create(item: M, input: Create): void
  /** Applies a partial update. */
  update(item: M, changes: Update): void
}

export class ResourceService<M extends TenantModel, Create, Update> {
  readonly #noun: string

  constructor(
    private readonly spec: ResourceSpec<M, Create, Update>,
    private readonly gateway: TableGateway,
    private readonly changes: ChangeWriter,
    private readonly clock: Clock,
  ) {
    this.#noun = layoutOf(spec.model).modelName
  }

  async create(context: RequestContext, input: Create): Promise<ServiceResult<M>> {
    const refusal = this.spec.access.create?.(context)
    if (refusal) return fail(refusal)
    const stamp = WriteStamp.for(context, this.clock)
    const item = this.#newItem(context, input, stamp)
    const audit = auditEntry(context, item, 'create', { oldValues: null, newValues: snapshot(item) }, stamp)
    return attempt(this.changes.apply({ kind: 'create', model: item }, { create: [audit] }).then(() => item))
  }

  /**
   * Creates many items in as few transactions as fit. Each input keeps its position (`index`);
   * whatever could not be written after the retries is reported for that index, never dropped.
   */
  async createMany(
    context: RequestContext,
    inputs: readonly { index: number; input: Create }[],
    max: number,
  ): Promise<ServiceResult<BatchCreateOutcome[]>> {
    if (inputs.length > max)
      return fail(validationError([{ field: 'items', message: `at most ${max} items` }]))
    const refusal = this.spec.access.create?.(context)
    if (refusal) return fail(refusal)
    const stamp = WriteStamp.for(context, this.clock)
    const items = inputs.map(({ input }) => this.#newItem(context, input, stamp))
    const failed = await this.changes.applyMany(
      items.map((item) => ({
        change: { kind: 'create' as const, model: item },
        effects: {
          create: [
            auditEntry(context, item, 'create', { oldValues: null, newValues: snapshot(item) }, stamp),
          ],
        },
      })),
    )
    const failures = new Map(failed.map(({ change, error }) => [change.model.id, error] as const))
    return ok(
      items.map((item, position) => {
        const index = (inputs[position] as { index: number }).index
        const error = failures.get(item.id)
        return error === undefined ? { index, id: item.id } : { index, error: asBatchError(error) }
      }),
    )
  }

  async get(context: RequestContext, id: string): Promise<ServiceResult<M>> {
    const item = await this.#find(context, id)
    return item ? ok(item) : fail(notFound(this.#noun))
  }

  /** Partial update; `ifMatch` holds the versions the caller last saw (412 when it is at none of them). */
  async update(
    context: RequestContext,
    id: string,
    changes: Update,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<M>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    const item = found.value
    const before = valuesOf(item)
    const expectedVersion = item.version
    this.spec.update(item, changes)
    const stamp = WriteStamp.for(context, this.clock)
    const change = { kind: 'replace' as const, model: item, expectedVersion, now: stamp.now }
    const audit = auditEntry(context, item, 'update', difference(item, before, valuesOf(item)), stamp)
    return attempt(this.changes.apply(change, { create: [audit] }).then(() => item))
  }

  async delete(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<void>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    const item = found.value
    const stamp = WriteStamp.for(context, this.clock)
    const audit = auditEntry(context, item, 'delete', { oldValues: snapshot(item), newValues: null }, stamp)
    const change = { kind: 'softDelete' as const, model: item, expectedVersion: item.version, now: stamp.now }
    return attempt(this.changes.apply(change, { create: [audit] }))
  }

  /** One page of a list: only the items the caller may see. */
  async list<Params>(
    context: RequestContext,
    list: ListSpec<M, Params>,
    params: Params,
    page: PageRequest,
  ): Promise<ServiceResult<Page<M>>> {
    const where = list.query(context, params, this.spec.model)
    if (!where.ok) return where
    if (where.value === 'empty') return ok({ items: [], nextCursor: null })
    const filter = list.filtered ? this.spec.access.listFilter?.(context) : undefined
    const request: QueryRequest = { ...where.value, ...page, ...(filter ? { filter } : {}) }
    return attempt(this.gateway.query(this.spec.model, context.tenantId, request))
  }

  #newItem(context: RequestContext, input: Create, stamp: WriteStamp): M {
    const item = initialise(new this.spec.model(), stamp.now, this.spec.model.modelVersion, stamp.nextId())
    item.tenantId = context.tenantId
    item.userId = actingUserId(context)
    this.spec.create(item, input)
    return item
  }

  /** The item if the caller may read it: one it may not answers as (and as slowly as) a missing one. */
  #find(context: RequestContext, id: string, consistent = false): Promise<M | undefined> {
    const key = keyOf(this.spec.model, 'primary', { tenantId: context.tenantId, id } as Partial<M>)
    const readable = (item: M) => this.spec.access.read(context, item)
    return this.gateway.get(this.spec.model, context.tenantId, key, { consistent, readable })
  }

  async #findWritable(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<M>> {
    // A strongly consistent read: If-Match must be compared with the latest version, not a stale one.
    const item = await this.#find(context, id, true)
    if (!item) return fail(notFound(this.#noun))
    if (!this.spec.access.write(context, item)) return fail(forbidden(this.spec.access.writeRefusal))
    if (!versionMatches(ifMatch, item.version)) return fail(preconditionFailed())
    return ok(item)
  }
}

function asBatchError(error: unknown): AppError {
  return error instanceof AppError
    ? error
    : new AppError('SERVICE_UNAVAILABLE', 'not written after retries; send this item again')
}
