import type { Page, TableGateway } from '../db/table-gateway.js'
import { forbidden, validationError } from '../errors/app-error.js'
import { AuditEntry, keyOf } from '../models/index.js'
import { can } from './permissions.js'
import type { RequestContext } from './request-context.js'
import { attempt, fail, type ServiceResult } from './service-result.js'

export interface AuditPage {
  limit: number
  cursor?: string | undefined
}

// ISO times sort as strings only while their years have four digits: an instant outside them
// (a valid timestamp with an offset can reach year -1 or 10000) is clamped, as no entry is there.
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z')
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z')
const sortableInstant = (ms: number) => new Date(Math.min(Math.max(ms, EARLIEST_MS), LATEST_MS)).toISOString()

/** Reading the tenant's audit log (tenant admins only), newest first. */
export class AuditService {
  constructor(private readonly gateway: TableGateway) {}

  /** The history of one entity. */
  async listByEntity(
    context: RequestContext,
    entity: { entityType: string; entityId: string },
    page: AuditPage,
  ): Promise<ServiceResult<Page<AuditEntry>>> {
    if (!can(context, 'administer_tenant'))
      return fail(forbidden('only a tenant admin may read the audit log'))
    const { pk } = keyOf(AuditEntry, 'primary', { tenantId: context.tenantId, ...entity })
    return attempt(
      this.gateway.query(AuditEntry, context.tenantId, {
        index: 'primary',
        partitionKey: pk,
        ascending: false,
        ...page,
      }),
    )
  }

  /** The tenant's changes between two instants (epoch milliseconds), inclusive. */
  async listByTime(
    context: RequestContext,
    range: { from?: number | undefined; to?: number | undefined },
    page: AuditPage,
  ): Promise<ServiceResult<Page<AuditEntry>>> {
    if (!can(context, 'administer_tenant'))
      return fail(forbidden('only a tenant admin may read the audit log'))
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
      return fail(validationError([{ field: 'from', message: 'from is after to' }]))
    }
    const from = sortableInstant(range.from ?? EARLIEST_MS)
    const to = sortableInstant(range.to ?? LATEST_MS)
    const { pk } = keyOf(AuditEntry, 'gsi1', { tenantId: context.tenantId })
    // Sort keys are `ts#<lower-cased ISO time>#id#<id>`; `~` sorts after every id character.
    const between = [`ts#${from.toLowerCase()}`, `ts#${to.toLowerCase()}#~`] as const
    return attempt(
      this.gateway.query(AuditEntry, context.tenantId, {
        index: 'gsi1',
        partitionKey: pk,
        sortKey: { between },
        ascending: false,
        ...page,
      }),
    )
  }
}
