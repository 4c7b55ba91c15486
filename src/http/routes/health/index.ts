import type { FastifyPluginAsync } from 'fastify'
import type { CheckResult } from '../../../observability/health.js'
import { OPERATIONS_TAG } from '../../openapi/document.js'
import { jsonResponse } from '../../schemas/responses.js'
import { health, liveness, readiness } from './schemas.js'

export interface HealthRouteOptions {
  checks: () => Promise<CheckResult[]>
}

/** Liveness never touches dependencies; readiness and /health probe them. */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { checks }) => {
  const open = (summary: string, response: Record<number, unknown>) => ({
    config: { public: true },
    schema: { summary, tags: [OPERATIONS_TAG], response },
  })
  const liveDocs = open('Liveness: the process runs', { 200: jsonResponse(liveness, 'alive') })
  const readyDocs = open('Readiness: DynamoDB answers', {
    200: jsonResponse(readiness, 'ready'),
    503: jsonResponse(readiness, 'not ready, or shutting down'),
  })
  const healthDocs = open('Every check, with its duration', {
    200: jsonResponse(health, 'healthy'),
    503: jsonResponse(health, 'a check failed'),
  })

  app.get('/health/live', liveDocs, async () => ({ status: 'alive' }))

  app.get('/health/ready', readyDocs, async (_request, reply) => {
    const results = await checks()
    const ready = results.every((check) => check.status === 'healthy')
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results })
  })

  app.get('/health', healthDocs, async (_request, reply) => {
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
