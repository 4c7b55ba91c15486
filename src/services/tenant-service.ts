import type { ChangeWriter } from '../db/change-writer.js'
import type { Page, TableGateway } from '../db/table-gateway.js'
import { PLATFORM_SCOPE } from '../db/tenant-scope.js'
import { forbidden, notFound, preconditionFailed } from '../errors/app-error.js'
import { initialise, keyOf, TENANT_LIST_KEY, Tenant, type TenantStatus, type Tier } from '../models/index.js'
import { auditEntry, difference, snapshot, valuesOf } from './audit.js'
import type { Clock } from './clock.js'
import { type ExpectedVersions, versionMatches } from './expected-versions.js'
import { actingUserId, isPlatformAdmin, type RequestContext } from './request-context.js'
import { attempt, fail, ok, type ServiceResult } from './service-result.js'
import type { TenantStandingCache } from './tenant-standing-cache.js'
import { WriteStamp } from './write-stamp.js'

export interface CreateTenantInput {
  /** The id tokens carry in `tenant_id`; generated when omitted. */
  id?: string | undefined
  name: string
  tier?: Tier | undefined
}

export interface UpdateTenantInput {
  name?: string | undefined
  tier?: Tier | undefined
  status?: TenantStatus | undefined
}

/** Onboarding and management of tenants: platform admins only, except reading one's own tenant. */
export class TenantService {
  constructor(
    private readonly gateway: TableGateway,
    private readonly changes: ChangeWriter,
    private readonly standings: TenantStandingCache,
    private readonly clock: Clock,
  ) {}

  async create(context: RequestContext, input: CreateTenantInput): Promise<ServiceResult<Tenant>> {
    if (!isPlatformAdmin(context)) return fail(forbidden('only a platform admin may create tenants'))
    const stamp = WriteStamp.for(context, this.clock)
    const id = input.id ?? stamp.nextId().toLowerCase()
    const tenant = initialise(new Tenant(), stamp.now, Tenant.modelVersion, id)
    tenant.tenantId = tenant.id
    tenant.userId = actingUserId(context)
    tenant.name = input.name
    tenant.tier = input.tier ?? 'standard'
    const audit = auditEntry(
      context,
      tenant,
      'create',
      { oldValues: null, newValues: snapshot(tenant) },
      stamp,
    )
    return attempt(
      this.changes.apply({ kind: 'create', model: tenant }, { create: [audit] }).then(() => tenant),
    )
  }

  /** Platform admins read any tenant; anyone else only their own (others are 404, as if missing). */
  async get(context: RequestContext, id: string): Promise<ServiceResult<Tenant>> {
    if (!isPlatformAdmin(context) && context.tenantId !== id) return fail(notFound('tenant'))
    const tenant = await this.#find(id)
    return tenant ? ok(tenant) : fail(notFound('tenant'))
  }

  async list(context: RequestContext, page: { limit: number; cursor?: string | undefined }) {
    if (!isPlatformAdmin(context))
      return fail<Page<Tenant>>(forbidden('only a platform admin may list tenants'))
    return attempt(
      this.gateway.query(Tenant, PLATFORM_SCOPE, { index: 'gsi1', partitionKey: TENANT_LIST_KEY, ...page }),
    )
  }

  async update(
    context: RequestContext,
    id: string,
    changes: UpdateTenantInput,
    ifMatch?: ExpectedVersions,
  ): Promise<ServiceResult<Tenant>> {
    if (!isPlatformAdmin(context) && context.tenantId !== id) return fail(notFound('tenant'))
    if (!isPlatformAdmin(context)) return fail(forbidden('only a platform admin may change a tenant'))
    const tenant = await this.#find(id, true)
    if (!tenant) return fail(notFound('tenant'))
    if (!versionMatches(ifMatch, tenant.version)) return fail(preconditionFailed())
    const before = valuesOf(tenant)
    const expectedVersion = tenant.version
    if (changes.name !== undefined) tenant.name = changes.name
    if (changes.tier !== undefined) tenant.tier = changes.tier
    if (changes.status !== undefined) tenant.status = changes.status
    const stamp = WriteStamp.for(context, this.clock)
    const { now } = stamp
    const audit = auditEntry(context, tenant, 'update', difference(tenant, before, valuesOf(tenant)), stamp)
    const result = await attempt(
      this.changes.apply({ kind: 'replace', model: tenant, expectedVersion, now }, { create: [audit] }),
    )
    // This instance sees a suspension at once; others within the standing cache's TTL.
    this.standings.forget(id)
    return result.ok ? ok(tenant) : result
  }

  #find(id: string, consistent = false): Promise<Tenant | undefined> {
    return this.gateway.get(Tenant, id, keyOf(Tenant, 'primary', { tenantId: id }), { consistent })
  }
}
