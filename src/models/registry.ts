import { AuditEntry } from './audit-entry.js'
import { IdempotencyRecord, IdempotencyResponsePart } from './idempotency-record.js'
import type { Model, ModelClass } from './model.js'
import { UsagePeriod } from './usage-period.js'
import { UserEmailClaim } from './user.js'

/**
 * The models stored beside the resources' own: users' email claims, the audit log, idempotency
 * records and tenants' usage per hour. Every model the table holds is these and each declared
 * resource's (ALL_MODELS in src/resources, which the table definition, its template and the IAM
 * check read).
 */
export const CORE_MODELS = [
  UserEmailClaim,
  AuditEntry,
  IdempotencyRecord,
  IdempotencyResponsePart,
  UsagePeriod,
] as unknown as readonly ModelClass<Model>[]
