// Tenants: onboarding and management, by platform admins; a tenant's members may read their own. A
// tenant's record lives in its own partition (its id); the list of tenants sits outside any tenant,
// under the platform's scope.
import { PLATFORM_SCOPE } from '../db/tenant-scope.js'
import { conflict, forbidden } from '../errors/app-error.js'
import {
  createTenantBody,
  listTenantsQuery,
  tenant,
  tenantParams,
  updateTenantBody,
} from '../http/routes/tenants/schemas.js'
import { TENANT_LIST_KEY, Tenant } from '../models/index.js'
import { can } from '../services/permissions.js'
import type { ListSpec } from '../services/resource-service.js'
import { ok } from '../services/service-result.js'
import { defineResource } from './define-resource.js'

/** Every tenant, by name (gsi1, outside any tenant). */
const everyTenant: ListSpec<Tenant, unknown> = {
  filtered: false,
  scope: () => PLATFORM_SCOPE,
  query: () => ok({ index: 'gsi1', partitionKey: TENANT_LIST_KEY }),
}

export const tenants = defineResource({
  model: Tenant,
  path: '/tenants',
  noun: 'tenant',

  access: {
    create: (context) =>
      can(context, 'manage_tenants') ? undefined : forbidden('only a platform admin may create tenants'),
    // Anyone but a platform admin or the tenant's own members gets 404, as if it were missing.
    read: (context, item) => can(context, 'manage_tenants') || context.tenantId === item.id,
    write: (context) => can(context, 'manage_tenants'),
    writeRefusal: 'only a platform admin may change a tenant',
    // An offboarded tenant's data is gone: making it active again would serve an empty tenant.
    change: (_context, item) =>
      item.status === 'offboarded' ? conflict('an offboarded tenant cannot be changed') : undefined,
    list: (context) =>
      can(context, 'manage_tenants') ? undefined : forbidden('only a platform admin may list tenants'),
  },
  // The id tokens carry in `tenant_id`: chosen, or generated in lower case as tenant ids are.
  id: (input, generate) => input.id ?? generate().toLowerCase(),
  partitionOf: (_context, id) => id,
  create: (item, input) => {
    item.tenantId = item.id
    item.name = input.name
    item.tier = input.tier ?? 'standard'
  },
  update: (item, changes) => {
    if (changes.name !== undefined) item.name = changes.name
    if (changes.tier !== undefined) item.tier = changes.tier
    if (changes.status !== undefined) item.status = changes.status
  },
  hooks: ({ standings }) => ({
    // This instance sees a suspension at once; the others at once too when they share Redis (the
    // cache announces what it forgets), else within the standing cache's TTL.
    afterWrite: (kind, item) => {
      if (kind === 'update') standings.forget(item.id)
    },
  }),

  schemas: {
    create: createTenantBody,
    update: updateTenantBody,
    params: tenantParams,
    listQuery: listTenantsQuery,
    item: tenant,
    listed: tenant,
  },
  present: (t) => ({
    id: t.id,
    name: t.name,
    tier: t.tier,
    status: t.status,
    version: t.version,
    createdUtc: t.createdUtc,
    updatedUtc: t.updatedUtc,
  }),
  pickList: (query) => ({ list: everyTenant, params: query }),
  logKeys: { created: 'newTenantId', updated: 'changedTenantId' },
  omit: ['delete'],
  versions: { v1: [], v2: [] },

  docs: {
    create: 'Onboard a tenant (platform admins)',
    read: 'Read a tenant (platform admins, or its own members)',
    update: 'Change a tenant: name, tier, status (platform admins)',
    list: { summary: 'List tenants (platform admins)', response: 'one page of tenants' },
  },
})
