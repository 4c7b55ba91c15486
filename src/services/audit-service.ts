import type { Page, TableGateway } from '../db/table-gateway.js'
import { forbidden, validationError } from '../errors/app-error.js'
import { AuditEntry, keyOf } from '../models/index.js'
import { isTenantAdmin, type RequestContext } from './request-context.js'
import { attempt, fail, type ServiceResult } from './service-result.js'

export interface AuditPage {
  limit: number
  cursor?: string | undefined
}

/** Reading the tenant's audit log (tenant admins only), newest first. */
export class AuditService {
  constructor(private readonly gateway: TableGateway) {}

  /** The history of one entity. */
  async listByEntity(
    context: RequestContext,
    entity: { entityType: string; entityId: string },
    page: AuditPage,
  ): Promise<ServiceResult<Page<AuditEntry>>> {
    if (!isTenantAdmin(context)) return fail(forbidden('only a tenant admin may read the audit log'))
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

  /** The tenant's changes between two instants (ISO-8601), inclusive. */
  async listByTime(
    context: RequestContext,
    range: { from?: string | undefined; to?: string | undefined },
    page: AuditPage,
  ): Promise<ServiceResult<Page<AuditEntry>>> {
    if (!isTenantAdmin(context)) return fail(forbidden('only a tenant admin may read the audit log'))
    const from = range.from ?? '0000'
    const to = range.to ?? '9999'
    if (from > to) return fail(validationError([{ field: 'from', message: 'from is after to' }]))
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
