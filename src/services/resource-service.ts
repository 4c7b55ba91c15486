// The service every declared resource gets: create (alone or in batches), read, partial update
// with If-Match, soft delete and lists, each write in one transaction with its audit entry. What is
// particular to a resource (who may do what, which lists it has, how input becomes an item) comes
// from its ResourceSpec.
import type { Change } from '../db/change-params.js'
import type { ChangeWriter, SideEffects } from '../db/change-writer.js'
import type { Page, QueryRequest, TableGateway } from '../db/table-gateway.js'
import { TransactionCancelledError } from '../db/transactions.js'
import { AppError, forbidden, notFound, preconditionFailed, validationError } from '../errors/app-error.js'
import { initialise, keyOf, layoutOf, type TenantModel } from '../models/index.js'
import { auditEntry, difference, snapshot, valuesOf } from './audit.js'
import type { Clock } from './clock.js'
import { type ExpectedVersions, versionMatches } from './expected-versions.js'
import { actingUserId, type RequestContext } from './request-context.js'
import {
  type ChangeKind,
  type LookupSpec,
  type ResourceDeps,
  type ResourceHooks,
  withAudit,
} from './resource-hooks.js'
import type { BatchCreateOutcome, ListSpec, PageRequest, ResourceSpec } from './resource-spec.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'
import { WriteStamp } from './write-stamp.js'

export type {
  AccessPolicy,
  BatchCreateOutcome,
  ListQuery,
  ListSpec,
  PageRequest,
  ResourceSpec,
} from './resource-spec.js'

export class ResourceService<M extends TenantModel, Create, Update> {
  readonly #noun: string
  readonly #hooks: ResourceHooks<M>

  constructor(
    private readonly spec: ResourceSpec<M, Create, Update>,
    private readonly gateway: TableGateway,
    private readonly changes: ChangeWriter,
    private readonly clock: Clock,
    private readonly deps?: ResourceDeps,
  ) {
    this.#noun = layoutOf(spec.model).modelName
    this.#hooks = (deps && spec.hooks?.(deps)) ?? {}
  }

  /** What a missing item answers, or one of another tenant: they cannot be told apart. */
  missing(): AppError {
    return notFound(this.#noun)
  }

  async create(context: RequestContext, input: Create): Promise<ServiceResult<M>> {
    const refusal = this.spec.access.create?.(context, input)
    if (refusal) return fail(refusal)
    const stamp = WriteStamp.for(context, this.clock)
    const item = this.#newItem(context, input, stamp)
    const audit = auditEntry(context, item, 'create', { oldValues: null, newValues: snapshot(item) }, stamp)
    const effects = withAudit(this.#hooks.effects?.('create', item, undefined), audit)
    const repeatable = context.idempotency !== undefined
    return this.#write('create', item, (stored) => ({ kind: 'create', model: stored, repeatable }), effects)
  }

  /**
   * Creates many items in transactions spread over the writers. Each input keeps its position (`index`);
   * whatever could not be written after the retries is reported for that index, never dropped.
   */
  async createMany(
    context: RequestContext,
    inputs: readonly { index: number; input: Create }[],
    max: number,
  ): Promise<ServiceResult<BatchCreateOutcome[]>> {
    if (inputs.length > max)
      return fail(validationError([{ field: 'items', message: `at most ${max} items` }]))
    for (const { input } of inputs) {
      const refusal = this.spec.access.create?.(context, input)
      if (refusal) return fail(refusal)
    }
    const stamp = WriteStamp.for(context, this.clock)
    const items = inputs.map(({ input }) => this.#newItem(context, input, stamp))
    const repeatable = context.idempotency !== undefined
    const stored = await Promise.all(items.map((item) => this.#stored(item)))
    const failed = await this.changes.applyMany(
      items.map((item, position) => ({
        change: { kind: 'create' as const, model: stored[position] as M, repeatable },
        effects: withAudit(
          this.#hooks.effects?.('create', item, undefined),
          auditEntry(context, item, 'create', { oldValues: null, newValues: snapshot(item) }, stamp),
        ),
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
    return item ? ok(item) : fail(this.missing())
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
    const refusal = this.spec.access.change?.(context, item, changes)
    if (refusal) return fail(refusal)
    const before = valuesOf(item)
    const previous = Object.assign(Object.create(Object.getPrototypeOf(item)), item) as M
    const expectedVersion = item.version
    this.spec.update(item, changes)
    this.#hooks.derive?.(item)
    const stamp = WriteStamp.for(context, this.clock)
    const { now } = stamp
    const audit = auditEntry(context, item, 'update', difference(item, before, valuesOf(item)), stamp)
    const effects = withAudit(this.#hooks.effects?.('update', item, previous), audit)
    return this.#write(
      'update',
      item,
      (stored) => ({ kind: 'replace', model: stored, expectedVersion, now }),
      effects,
    )
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
    const effects = withAudit(this.#hooks.effects?.('delete', item, item), audit)
    const { now } = stamp
    // A soft delete writes only its bookkeeping, so the item is not sealed again.
    const result = await this.#write(
      'delete',
      item,
      () => ({ kind: 'softDelete', model: item, expectedVersion: item.version, now }),
      effects,
    )
    return result.ok ? ok(undefined) : result
  }

  /** One page of a list: only the items the caller may see. */
  async list<Params>(
    context: RequestContext,
    list: ListSpec<M, Params> | LookupSpec<Params>,
    params: Params,
    page: PageRequest,
  ): Promise<ServiceResult<Page<M>>> {
    const refusal = this.spec.access.list?.(context)
    if (refusal) return fail(refusal)
    if ('lookup' in list) {
      const id = this.deps && (await list.lookup(context, params, this.deps))
      const item = id === undefined ? undefined : await this.#find(context, id)
      return ok({ items: item ? [item] : [], nextCursor: null })
    }
    const where = list.query(context, params, this.spec.model)
    if (!where.ok) return where
    if (where.value === 'empty') return ok({ items: [], nextCursor: null })
    const filter = list.filtered ? this.spec.access.listFilter?.(context) : undefined
    const request: QueryRequest = { ...where.value, ...page, ...(filter ? { filter } : {}) }
    const scope = list.scope?.(context) ?? context.tenantId
    const result = await attempt(this.gateway.query(this.spec.model, scope, request))
    const { open } = this.#hooks
    if (!result.ok || !open) return result
    return ok({ ...result.value, items: await Promise.all(result.value.items.map((item) => open(item))) })
  }

  #newItem(context: RequestContext, input: Create, stamp: WriteStamp): M {
    const generate = () => stamp.nextId()
    const id = this.spec.id ? this.spec.id(input, generate) : generate()
    const item = initialise(new this.spec.model(), stamp.now, this.spec.model.modelVersion, id)
    item.tenantId = context.tenantId
    item.userId = actingUserId(context)
    this.spec.create(item, input)
    this.#hooks.derive?.(item)
    return item
  }

  #stored(item: M): Promise<M> {
    return this.#hooks.seal ? this.#hooks.seal(item) : Promise.resolve(item)
  }

  /**
   * Writes the change (of the stored copy) with its effects. A refused effect answers as the
   * resource says; the item then shows the version and time the change gave the stored copy.
   */
  async #write(
    kind: ChangeKind,
    item: M,
    change: (stored: M) => Change<M>,
    effects: SideEffects,
  ): Promise<ServiceResult<M>> {
    const stored = kind === 'delete' ? item : await this.#stored(item)
    // Even when the write's outcome is unknown (an outage): it may have landed.
    const result = await attempt(this.changes.apply(change(stored), effects)).finally(() =>
      this.#hooks.afterWrite?.(kind, item),
    )
    if (!result.ok) {
      const { refused } = this.#hooks
      const effectRefused =
        result.error instanceof TransactionCancelledError && result.error.failedConditions.length > 0
      return fail(refused && effectRefused ? refused() : result.error)
    }
    item.version = stored.version
    item.updatedUtc = stored.updatedUtc
    return ok(item)
  }

  /** The item if the caller may read it: one it may not answers as (and as slowly as) a missing one. */
  async #find(context: RequestContext, id: string, consistent = false): Promise<M | undefined> {
    const partition = this.spec.partitionOf?.(context, id) ?? context.tenantId
    const key = keyOf(this.spec.model, 'primary', { tenantId: partition, id } as Partial<M>)
    const readable = (item: M) => this.spec.access.read(context, item)
    const item = await this.gateway.get(this.spec.model, partition, key, { consistent, readable })
    return item && this.#hooks.open ? this.#hooks.open(item) : item
  }

  async #findWritable(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<M>> {
    // A strongly consistent read: If-Match must be compared with the latest version, not a stale one.
    const item = await this.#find(context, id, true)
    if (!item) return fail(this.missing())
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
