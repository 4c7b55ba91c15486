// Audit entries for changes: who changed what, when, from where, and the values before and after,
// with encrypted fields masked so the log never holds what the table keeps encrypted.
import {
  type AuditAction,
  AuditEntry,
  initialise,
  layoutOf,
  type Model,
  type ModelClass,
  type TenantModel,
} from '../models/index.js'
import { can } from './permissions.js'
import { actingUserId, type RequestContext } from './request-context.js'
import type { WriteStamp } from './write-stamp.js'

export const MASK = '***'
const MAX_USER_AGENT = 512

/** The entity's fields as they are (bookkeeping and derived fields left out), to compare. */
export function valuesOf(model: TenantModel): Record<string, unknown> {
  const modelClass = model.constructor as ModelClass<Model>
  const derived = new Set(modelClass.derivedFields ?? [])
  const values: Record<string, unknown> = {}
  for (const field of layoutOf(modelClass).fields) {
    if (derived.has(field) || field === 'deletedUtc') continue
    const value = (model as unknown as Record<string, unknown>)[field]
    // A copy, so that later changes to the item leave these values as they were; only objects need one.
    values[field] = typeof value === 'object' && value !== null ? structuredClone(value) : value
  }
  return values
}

/** Values as the audit log shows them: encrypted fields masked. */
function masked(model: TenantModel, values: Record<string, unknown>): Record<string, unknown> {
  const encrypted = (model.constructor as ModelClass<Model>).encryptedFields ?? []
  const shown = { ...values }
  for (const field of encrypted) {
    if (shown[field] !== null && shown[field] !== undefined) shown[field] = MASK
  }
  return shown
}

/** The entity's fields as the audit log shows them. */
export function snapshot(model: TenantModel): Record<string, unknown> {
  return masked(model, valuesOf(model))
}

/**
 * Only the fields that differ, before and after (bookkeeping fields left out). Compared before
 * masking, so a changed email is recorded (as `***` → `***`) rather than lost.
 */
export function difference(
  model: TenantModel,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) {
  const oldValues: Record<string, unknown> = {}
  const newValues: Record<string, unknown> = {}
  for (const field of Object.keys(after)) {
    if (field === 'version' || field === 'updatedUtc') continue
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      oldValues[field] = before[field]
      newValues[field] = after[field]
    }
  }
  return { oldValues: masked(model, oldValues), newValues: masked(model, newValues) }
}

export function auditEntry(
  context: RequestContext,
  entity: TenantModel,
  action: AuditAction,
  values: { oldValues: Record<string, unknown> | null; newValues: Record<string, unknown> | null },
  stamp: WriteStamp,
): AuditEntry {
  const { now } = stamp
  const entry = initialise(new AuditEntry(), now, AuditEntry.modelVersion, stamp.nextId())
  entry.tenantId = entity.tenantId
  entry.userId = actingUserId(context)
  entry.entityType = layoutOf(entity.constructor as ModelClass<Model>).modelName
  entry.entityId = entity.id
  entry.action = action
  entry.timestamp = now.toISOString()
  entry.oldValues = values.oldValues
  entry.newValues = values.newValues
  // Where a platform admin works from is the platform's business, not the tenant's.
  const byPlatform = can(context, 'act_for_platform')
  entry.ipAddress = byPlatform ? null : (context.ipAddress ?? null)
  entry.userAgent = byPlatform ? null : (context.userAgent?.slice(0, MAX_USER_AGENT) ?? null)
  return entry
}
