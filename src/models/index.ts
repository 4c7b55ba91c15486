export { AUDIT_ACTIONS, type AuditAction, AuditEntry } from './audit-entry.js'
export { Group, type PrivacySettings, unixSeconds, VISIBILITIES, type Visibility } from './group.js'
export { IdempotencyRecord, IdempotencyResponsePart } from './idempotency-record.js'
export { OPAQUE_ID_PATTERN } from './ids.js'
export { type IndexDefinition, type IndexDefinitions, type IndexName, keyAttributes } from './indexes.js'
export { buildKey, TENANT_ID_PATTERN, tenantKey, tenantKeyPrefix } from './key.js'
export {
  fromItem,
  type Item,
  keyOf,
  layoutOf,
  type ModelLayout,
  modelNameOf,
  primaryKeyOf,
  toItem,
  upcastItem,
} from './mapper.js'
export { initialise, Model, type ModelClass, TenantModel, type Upcaster, type Upcasters } from './model.js'
export { toCamelCase, toSnakeCase } from './naming.js'
export { MAX_CURSOR_LENGTH } from './page.js'
export { CORE_MODELS } from './registry.js'
export { ROLES, type Role } from './role.js'
export { type TableDefinition, TTL_ATTRIBUTE, tableDefinition } from './table-definition.js'
export {
  SETTABLE_TENANT_STATUSES,
  TENANT_LIST_KEY,
  TENANT_STATUSES,
  Tenant,
  type TenantStatus,
  TIERS,
  type Tier,
} from './tenant.js'
export { storedVersionOf } from './upcast.js'
export {
  flushAttribute,
  hourKey,
  parseUsageCounter,
  SECONDS_PER_HOUR,
  type UsageCounterKind,
  UsagePeriod,
  usageCounter,
  usagePartition,
} from './usage-period.js'
export { User, UserEmailClaim } from './user.js'
export {
  IMPORT_ACTOR,
  isSubject,
  MAX_USER_ID_LENGTH,
  PLATFORM_ACTOR,
  SUBJECT_PATTERN,
  subjectOf,
  userIdOf,
} from './user-id.js'
