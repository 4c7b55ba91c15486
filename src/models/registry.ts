import { AuditEntry } from './audit-entry.js'
import { Group } from './group.js'
import { IdempotencyRecord, IdempotencyResponsePart } from './idempotency-record.js'
import type { Model, ModelClass } from './model.js'
import { Tenant } from './tenant.js'
import { User, UserEmailClaim } from './user.js'

/** Every model stored in the table; the table definition is generated from these. */
export const MODELS = [
  Group,
  Tenant,
  User,
  UserEmailClaim,
  AuditEntry,
  IdempotencyRecord,
  IdempotencyResponsePart,
] as unknown as readonly ModelClass<Model>[]
