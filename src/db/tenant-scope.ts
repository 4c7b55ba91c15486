// Tenant isolation at the last step before DynamoDB: every partition key a call reads or writes —
// the table's and every index's — must start with `tenant#<tenantId>#`.
import { TENANT_LIST_KEY, tenantKeyPrefix } from '../models/index.js'
import type { UsageTag } from '../observability/usage-meter.js'
import type { TransactionAction } from './transactions.js'

// Partition keys of platform data that no tenant owns (the platform admins' list of tenants).
const PLATFORM_KEYS = new Set([TENANT_LIST_KEY])
const PARTITION_KEY_ATTRIBUTE = /^(pk|gsi\d+_pk)$/

export class TenantScopeError extends Error {
  override name = 'TenantScopeError'
}

/** Stands for "no tenant": platform-level reads of platform data (the list of tenants). */
export const PLATFORM_SCOPE = '#platform' // not a valid tenant id, so no tenant can pose as it

/** Whose usage a call for this scope counts for: the tenant's; platform data counts for none. */
export function usageTagOf(tenantId: string, model: string): UsageTag | undefined {
  return tenantId === PLATFORM_SCOPE ? undefined : { tenantId, model }
}

export function assertTenantKey(partitionKey: string, tenantId: string): void {
  if (tenantId === PLATFORM_SCOPE) {
    if (!PLATFORM_KEYS.has(partitionKey)) throw new TenantScopeError(`not a platform key: ${partitionKey}`)
    return
  }
  if (!partitionKey.startsWith(tenantKeyPrefix(tenantId))) {
    throw new TenantScopeError(`refusing a key outside tenant ${tenantId}: ${partitionKey}`)
  }
}

/** Every partition key attribute of an item (base table and indexes) stays inside the tenant. */
export function assertTenantItem(item: Record<string, unknown>, tenantId: string): void {
  for (const [attribute, value] of Object.entries(item)) {
    if (!PARTITION_KEY_ATTRIBUTE.test(attribute)) continue
    if (typeof value === 'string' && PLATFORM_KEYS.has(value) && attribute !== 'pk') continue
    assertTenantKey(String(value), tenantId)
  }
}

/** The same for a transaction action; an update may not write another tenant's key into an item. */
export function assertTenantAction(action: TransactionAction, tenantId: string): void {
  if (action.Put) {
    assertTenantItem(action.Put.Item ?? {}, tenantId)
    return
  }
  const operation = action.Update ?? action.Delete ?? action.ConditionCheck
  assertTenantKey(String(operation?.Key?.pk ?? ''), tenantId)
  for (const value of Object.values(action.Update?.ExpressionAttributeValues ?? {})) {
    if (typeof value === 'string' && value.startsWith('tenant#')) assertTenantKey(value, tenantId)
  }
}
