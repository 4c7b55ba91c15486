import type { ChangeWriter } from '../db/change-writer.js'
import { invalidCursor } from '../db/cursor.js'
import { eq, ne, or } from '../db/filter.js'
import type { Page, TableGateway } from '../db/table-gateway.js'
import { AppError, forbidden, notFound, preconditionFailed, validationError } from '../errors/app-error.js'
import { Group, initialise, keyOf, type PrivacySettings } from '../models/index.js'
import { auditEntry, difference, snapshot, valuesOf } from './audit.js'
import type { Clock } from './clock.js'
import { type ExpectedVersions, versionMatches } from './expected-versions.js'
import { actingUserId, isTenantAdmin, type RequestContext } from './request-context.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'
import { WriteStamp } from './write-stamp.js'

export interface CreateGroupInput {
  name: string
  groupType: string
  description?: string | null | undefined
  icon?: string | null | undefined
  color?: string | null | undefined
  privacySettings?: PrivacySettings | undefined
}

export type UpdateGroupInput = Partial<CreateGroupInput>

export interface PageRequest {
  limit: number
  cursor?: string | undefined
  /** Fields to read (all when omitted). */
  fields?: readonly string[] | undefined
}

/** One item of a batch create: the id it got, or why it was not written. */
export type BatchCreateOutcome = { index: number; id: string } | { index: number; error: AppError }

export const MAX_BATCH_CREATE = 1000

export interface CreatedRange {
  /** Unix seconds, inclusive. */
  from?: number | undefined
  to?: number | undefined
  order: 'asc' | 'desc'
}

// Sort keys hold unix seconds unpadded (as boto3-assist writes them), so range bounds are kept to
// ten digits to compare correctly as strings.
const EARLIEST_SECONDS = 1_000_000_000
const LATEST_SECONDS = 9_999_999_999

export class GroupService {
  constructor(
    private readonly gateway: TableGateway,
    private readonly changes: ChangeWriter,
    private readonly clock: Clock,
  ) {}

  async create(context: RequestContext, input: CreateGroupInput): Promise<ServiceResult<Group>> {
    const stamp = WriteStamp.for(context, this.clock)
    const group = newGroup(context, input, stamp)
    const audit = auditEntry(context, group, 'create', { oldValues: null, newValues: snapshot(group) }, stamp)
    return attempt(
      this.changes.apply({ kind: 'create', model: group }, { create: [audit] }).then(() => group),
    )
  }

  /**
   * Creates many groups with batch writes. Each input keeps its position (`index`); whatever could
   * not be written after the retries is reported for that index, never dropped silently.
   */
  async createMany(
    context: RequestContext,
    inputs: readonly { index: number; input: CreateGroupInput }[],
  ): Promise<ServiceResult<BatchCreateOutcome[]>> {
    if (inputs.length > MAX_BATCH_CREATE) {
      return fail(validationError([{ field: 'items', message: `at most ${MAX_BATCH_CREATE} items` }]))
    }
    const stamp = WriteStamp.for(context, this.clock)
    const groups = inputs.map(({ input }) => newGroup(context, input, stamp))
    const failed = await this.changes.applyMany(
      groups.map((group) => ({
        change: { kind: 'create' as const, model: group },
        effects: {
          create: [
            auditEntry(context, group, 'create', { oldValues: null, newValues: snapshot(group) }, stamp),
          ],
        },
      })),
    )
    const failures = new Map(failed.map(({ change, error }) => [change.model.id, error] as const))
    return ok(
      groups.map((group, position) => {
        const index = (inputs[position] as { index: number }).index
        const error = failures.get(group.id)
        return error === undefined ? { index, id: group.id } : { index, error: asBatchError(error) }
      }),
    )
  }

  async get(context: RequestContext, id: string): Promise<ServiceResult<Group>> {
    const group = await this.#find(context, id)
    return group ? ok(group) : fail(notFound('group'))
  }

  /** Partial update; `ifMatch` holds the versions the caller last saw (412 when it is at none of them). */
  async update(
    context: RequestContext,
    id: string,
    changes: UpdateGroupInput,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<Group>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    const group = found.value
    const before = valuesOf(group)
    const expectedVersion = group.version
    applyChanges(group, changes)
    const stamp = WriteStamp.for(context, this.clock)
    const change = { kind: 'replace' as const, model: group, expectedVersion, now: stamp.now }
    const audit = auditEntry(context, group, 'update', difference(group, before, valuesOf(group)), stamp)
    return attempt(this.changes.apply(change, { create: [audit] }).then(() => group))
  }

  async delete(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<void>> {
    const found = await this.#findWritable(context, id, ifMatch)
    if (!found.ok) return found
    const group = found.value
    const stamp = WriteStamp.for(context, this.clock)
    const audit = auditEntry(context, group, 'delete', { oldValues: snapshot(group), newValues: null }, stamp)
    const change = {
      kind: 'softDelete' as const,
      model: group,
      expectedVersion: group.version,
      now: stamp.now,
    }
    return attempt(this.changes.apply(change, { create: [audit] }))
  }

  /** The caller's own groups of one type, by name. */
  async listByOwnerAndType(context: RequestContext, groupType: string, page: PageRequest) {
    const { pk } = keyOf(Group, 'gsi1', { tenantId: context.tenantId, userId: context.userId, groupType })
    return this.#list(context, { index: 'gsi1', partitionKey: pk, ...page }, false)
  }

  /** The tenant's groups of one type that the caller may read, by name. */
  async listByTenantAndType(context: RequestContext, groupType: string, page: PageRequest) {
    const { pk } = keyOf(Group, 'gsi2', { tenantId: context.tenantId, groupType })
    return this.#list(context, { index: 'gsi2', partitionKey: pk, ...page }, true)
  }

  /** The tenant's groups that the caller may read, by creation time. */
  async listByTenant(context: RequestContext, range: CreatedRange, page: PageRequest) {
    const { pk } = keyOf(Group, 'gsi3', { tenantId: context.tenantId })
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
      return fail<Page<Group>>(
        validationError([{ field: 'createdFrom', message: 'createdFrom is after createdTo' }]),
      )
    }
    const from = Math.max(range.from ?? EARLIEST_SECONDS, EARLIEST_SECONDS)
    const to = Math.min(range.to ?? LATEST_SECONDS, LATEST_SECONDS)
    // The range lies wholly outside the seconds the index can hold, so nothing is in it; no cursor
    // was ever issued for it either.
    if (from > to)
      return page.cursor ? fail<Page<Group>>(invalidCursor()) : ok({ items: [], nextCursor: null })
    // `~` sorts after every character a key holds, so `created#<to>#~` includes all of second <to>.
    const between = [`created#${from}`, `created#${to}#~`] as const
    return this.#list(
      context,
      { index: 'gsi3', partitionKey: pk, sortKey: { between }, ascending: range.order === 'asc', ...page },
      true,
    )
  }

  async #list(
    context: RequestContext,
    request: Parameters<TableGateway['query']>[2],
    onlyReadable: boolean,
  ): Promise<ServiceResult<Page<Group>>> {
    // Everyone sees their own groups and the non-private ones; admins see all of the tenant's.
    const filter =
      onlyReadable && !isTenantAdmin(context)
        ? or(eq('userId', context.userId), ne('privacySettings.visibility', 'private'))
        : undefined
    return attempt(this.gateway.query(Group, context.tenantId, { ...request, ...(filter ? { filter } : {}) }))
  }

  /** The group if the caller may read it: one it may not answers as (and as slowly as) a missing one. */
  #find(context: RequestContext, id: string, consistent = false): Promise<Group | undefined> {
    const key = keyOf(Group, 'primary', { tenantId: context.tenantId, id })
    const readable = (group: Group) => canRead(context, group)
    return this.gateway.get(Group, context.tenantId, key, { consistent, readable })
  }

  async #findWritable(
    context: RequestContext,
    id: string,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<Group>> {
    // A strongly consistent read: If-Match must be compared with the latest version, not a stale one.
    const group = await this.#find(context, id, true)
    if (!group) return fail(notFound('group'))
    if (!canWrite(context, group))
      return fail(forbidden('only the owner or a tenant admin may change this group'))
    if (!versionMatches(ifMatch, group.version)) return fail(preconditionFailed())
    return ok(group)
  }
}

function asBatchError(error: unknown): AppError {
  return error instanceof AppError
    ? error
    : new AppError('SERVICE_UNAVAILABLE', 'not written after retries; send this item again')
}

function canRead(context: RequestContext, group: Group): boolean {
  return canWrite(context, group) || group.privacySettings.visibility !== 'private'
}

function canWrite(context: RequestContext, group: Group): boolean {
  return group.userId === context.userId || isTenantAdmin(context)
}

function newGroup(context: RequestContext, input: CreateGroupInput, stamp: WriteStamp): Group {
  const group = initialise(new Group(), stamp.now, Group.modelVersion, stamp.nextId())
  group.tenantId = context.tenantId
  group.userId = actingUserId(context)
  applyChanges(group, { privacySettings: { visibility: 'private' }, ...input })
  return group
}

function applyChanges(group: Group, changes: UpdateGroupInput): void {
  if (changes.name !== undefined) group.name = changes.name
  if (changes.groupType !== undefined) group.groupType = changes.groupType
  if (changes.description !== undefined) group.description = changes.description
  if (changes.icon !== undefined) group.icon = changes.icon
  if (changes.color !== undefined) group.color = changes.color
  if (changes.privacySettings !== undefined) group.privacySettings = { ...changes.privacySettings }
}
