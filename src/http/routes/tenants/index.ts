import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Tenant } from '../../../models/index.js'
import type { TenantService } from '../../../services/tenant-service.js'
import { page, success } from '../../envelope.js'
import { etagOf, ifMatchHeaders, parseIfMatch } from '../../if-match.js'
import { locationOf, unwrap } from '../../route-helpers.js'
import { dataResponse, errorResponses, HEADERS, pageResponse } from '../../schemas/responses.js'
import { createTenantBody, listTenantsQuery, tenant, tenantParams, updateTenantBody } from './schemas.js'

const presentTenant = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  tier: t.tier,
  status: t.status,
  version: t.version,
  createdUtc: t.createdUtc,
  updatedUtc: t.updatedUtc,
})

const oneTenant = dataResponse(tenant, 'the tenant', { ETag: HEADERS.ETag })
const docs = {
  create: {
    summary: 'Onboard a tenant (platform admins)',
    response: { 201: dataResponse(tenant, 'the tenant, as created', HEADERS), ...errorResponses(409, 422) },
  },
  list: {
    summary: 'List tenants (platform admins)',
    response: { 200: pageResponse(tenant, 'one page of tenants') },
  },
  read: { summary: 'Read a tenant (platform admins, or its own members)', response: { 200: oneTenant } },
  update: {
    summary: 'Change a tenant: name, tier, status (platform admins)',
    response: { 200: oneTenant, ...errorResponses(409, 412) },
  },
}

export const tenantRoutes: FastifyPluginAsyncZod<{ tenants: TenantService }> = async (app, { tenants }) => {
  app.post(
    '/tenants',
    { schema: { body: createTenantBody, ...docs.create }, config: { idempotent: true } },
    async (request, reply) => {
      const created = unwrap(await tenants.create(request.auth, request.body))
      request.log.info({ newTenantId: created.id }, 'tenant created')
      return reply
        .status(201)
        .header('Location', locationOf(request.url, created.id))
        .header('ETag', etagOf(created.version))
        .send(success(presentTenant(created)))
    },
  )

  app.get('/tenants', { schema: { querystring: listTenantsQuery, ...docs.list } }, async (request) => {
    const { items, nextCursor } = unwrap(await tenants.list(request.auth, request.query))
    return page(items.map(presentTenant), nextCursor, request.query.limit)
  })

  app.get('/tenants/:id', { schema: { params: tenantParams, ...docs.read } }, async (request, reply) => {
    const found = unwrap(await tenants.get(request.auth, request.params.id))
    return reply.header('ETag', etagOf(found.version)).send(success(presentTenant(found)))
  })

  app.patch(
    '/tenants/:id',
    { schema: { params: tenantParams, body: updateTenantBody, headers: ifMatchHeaders, ...docs.update } },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match'])
      const updated = unwrap(await tenants.update(request.auth, request.params.id, request.body, ifMatch))
      request.log.info({ changedTenantId: updated.id, version: updated.version }, 'tenant updated')
      return reply.header('ETag', etagOf(updated.version)).send(success(presentTenant(updated)))
    },
  )
}
