import type { IndexDefinitions } from './indexes.js'
import { buildKey, tenantKey } from './key.js'
import { TenantModel } from './model.js'

export const TIERS = ['basic', 'standard', 'premium'] as const
export type Tier = (typeof TIERS)[number]
/** `offboarded`: the tenant's data was exported and purged (npm run tenant:purge); its record stays. */
export const TENANT_STATUSES = ['active', 'suspended', 'offboarded'] as const
export type TenantStatus = (typeof TENANT_STATUSES)[number]
/** The statuses the API sets; only the purge script offboards a tenant, once its data is gone. */
export const SETTABLE_TENANT_STATUSES = ['active', 'suspended'] as const

/** The partition key of the platform-wide tenant list: platform data, not owned by any tenant. */
export const TENANT_LIST_KEY = 'platform#tenants'

/**
 * A tenant's record. Its own data lives under `tenant#<id>#` like everything it owns; only the
 * platform's list of tenants (gsi1, for platform admins) sits outside any tenant.
 */
export class Tenant extends TenantModel {
  static readonly modelVersion = 1
  static readonly fields = ['tenantId', 'userId', 'name', 'tier', 'status'] as const

  static readonly indexes = {
    primary: {
      pk: (t) => tenantKey(t.tenantId, ['profile', '']),
      sk: () => buildKey(['tenant', '']),
    },
    gsi1: {
      pk: () => TENANT_LIST_KEY,
      sk: (t) => buildKey(['name', t.name], ['id', t.tenantId]),
    },
  } satisfies IndexDefinitions<Tenant>

  name = ''
  tier: Tier = 'standard'
  status: TenantStatus = 'active'
}
