import type { FastifyPluginAsync } from 'fastify'
import type { CheckResult } from '../../../observability/health.js'

export interface HealthRouteOptions {
  checks: () => Promise<CheckResult[]>
}

/** Liveness never touches dependencies; readiness and /health probe them. */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { checks }) => {
  const open = { config: { public: true } }

  app.get('/health/live', open, async () => ({ status: 'alive' }))

  app.get('/health/ready', open, async (_request, reply) => {
    const results = await checks()
    const ready = results.every((check) => check.status === 'healthy')
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results })
  })

  app.get('/health', open, async (_request, reply) => {
    const results = await checks()
    const unhealthy = results.filter((check) => check.status !== 'healthy').length
    const status = unhealthy === 0 ? 'healthy' : 'unhealthy'
    return reply.status(status === 'healthy' ? 200 : 503).send({
      status,
      checks: results,
      summary: `${results.length - unhealthy} of ${results.length} checks healthy`,
    })
  })
}
