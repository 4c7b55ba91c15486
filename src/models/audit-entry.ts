import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

export const AUDIT_ACTIONS = ['create', 'update', 'delete'] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/**
 * One immutable record of a change, written in the same transaction as the change itself.
 * primary: the history of one entity, newest last in key order; gsi1: the tenant's log by time.
 */
export class AuditEntry extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = [
    'tenantId',
    'userId',
    'entityType',
    'entityId',
    'action',
    'timestamp',
    'oldValues',
    'newValues',
    'ipAddress',
    'userAgent',
  ] as const

  static readonly indexes = {
    primary: {
      pk: (a) => tenantKey(a.tenantId, ['audit', ''], ['entity', a.entityType], ['id', a.entityId]),
      sk: (a) => buildKey(['ts', a.timestamp], ['id', a.id]),
    },
    gsi1: {
      pk: (a) => tenantKey(a.tenantId, ['audit', '']),
      sk: (a) => buildKey(['ts', a.timestamp], ['id', a.id]),
    },
  } satisfies IndexDefinitions<AuditEntry>

  entityType = ''
  entityId = ''
  action: AuditAction = 'create'
  timestamp = ''
  oldValues: Record<string, unknown> | null = null
  newValues: Record<string, unknown> | null = null
  ipAddress: string | null = null
  userAgent: string | null = null
}
