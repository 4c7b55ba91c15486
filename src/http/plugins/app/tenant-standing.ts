// Every authenticated request checks its tenant's standing: a suspended tenant's users get 403
// TENANT_SUSPENDED, an offboarded tenant's tokens 403 FORBIDDEN. The standing (and tier, for rate
// limits) comes from a short-lived cache.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { AppError, forbidden } from '../../../errors/app-error.js'
import type { Tier } from '../../../models/index.js'
import { can } from '../../../services/permissions.js'
import type { TenantStanding, TenantStandingCache } from '../../../services/tenant-standing-cache.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's tenant tier; set on authenticated routes. */
    tenantTier?: Tier
  }
}

export interface TenantStandingOptions {
  standings: TenantStandingCache
  /** A request of an offboarded tenant came (e.g. to stop metering a tenant whose data is gone). */
  onOffboarded?: (tenantId: string) => void
}

async function tenantStanding(app: FastifyInstance, { standings, onOffboarded }: TenantStandingOptions) {
  const check = (request: FastifyRequest, standing: TenantStanding) => {
    if (standing.status === 'offboarded') onOffboarded?.(request.auth.tenantId)
    return admit(request, standing)
  }
  // Callback-style: a cached standing answers at once, without a promise to settle.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.auth) return done()
    const known = standings.knownStandingOf(request.auth.tenantId)
    if (known) return done(check(request, known))
    standings.standingOf(request.auth.tenantId).then(
      (standing) => done(check(request, standing)),
      // A rejection without an error must not let the request through unchecked.
      (error: Error | undefined) => done(error ?? new Error('tenant standing unavailable')),
    )
  })
}

/** Records the tier; the error to answer with when the tenant is suspended or offboarded. */
function admit(request: FastifyRequest, standing: TenantStanding): AppError | undefined {
  request.tenantTier = standing.tier
  // Its data is gone: nothing is left to serve, or to lift, whoever asks.
  if (standing.status === 'offboarded') return forbidden('this tenant has been offboarded')
  // Platform admins keep access, so that they can lift a suspension.
  if (standing.status === 'suspended' && !can(request.auth, 'bypass_suspension')) {
    return new AppError('TENANT_SUSPENDED')
  }
  return undefined
}

export default fp(tenantStanding, { name: 'tenant-standing', dependencies: ['authentication'] })
