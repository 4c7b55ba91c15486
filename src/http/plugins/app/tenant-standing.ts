// Every authenticated request checks its tenant's standing: a suspended tenant's users get 403
// TENANT_SUSPENDED. The standing (and tier, for rate limits) comes from a short-lived cache.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../../../errors/app-error.js'
import type { Tier } from '../../../models/index.js'
import type { TenantDirectory } from '../../../services/tenant-directory.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's tenant tier; set on authenticated routes. */
    tenantTier?: Tier
  }
}

async function tenantStanding(app: FastifyInstance, { directory }: { directory: TenantDirectory }) {
  app.addHook('onRequest', async (request) => {
    if (!request.auth) return
    const standing = await directory.standingOf(request.auth.tenantId)
    request.tenantTier = standing.tier
    // Platform admins keep access, so that they can lift a suspension.
    if (standing.status === 'suspended' && !request.auth.roles.includes('platform_admin')) {
      throw new AppError('TENANT_SUSPENDED', 'this tenant is suspended')
    }
  })
}

export default fp(tenantStanding, { name: 'tenant-standing', dependencies: ['authentication'] })
