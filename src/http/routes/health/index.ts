import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { type CheckResult, summarise } from '../../../observability/health.js'
import type { HealthMonitor } from '../../../observability/health-monitor.js'
import { OPERATIONS_TAG } from '../../openapi/document.js'
import { jsonResponse } from '../../schemas/responses.js'
import { health, liveness, readiness } from './schemas.js'

export interface HealthRouteOptions {
  monitor: HealthMonitor
  /**
   * Whether answers on the main listener say why a check failed. They need no token, so by default
   * they show each check's status only; error codes (ECONNREFUSED) go to the log and the ops listener.
   */
  details: boolean
}

const SHUTTING_DOWN: CheckResult = {
  name: 'shutdown',
  status: 'unhealthy',
  critical: true,
  durationMs: 0,
  detail: 'the server is shutting down',
}

/**
 * Liveness never touches dependencies (a DynamoDB outage must not get the container restarted);
 * readiness and /health share one cached probe. See the README for healthy/degraded/unhealthy.
 */
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { monitor, details }) => {
  // The operations listener is not public: it always says why.
  const shown = (request: FastifyRequest, checks: CheckResult[]) =>
    details || request.viaOpsListener ? checks : checks.map(({ detail: _, ...check }) => check)
  const open = (summary: string, response: Record<number, unknown>) => ({
    config: { public: true, listener: 'any' as const },
    schema: { summary, tags: [OPERATIONS_TAG], response },
  })
  const liveDocs = open('Liveness: the process runs', { 200: jsonResponse(liveness, 'alive') })
  const readyDocs = open('Readiness: DynamoDB answers and the server is not shutting down', {
    200: jsonResponse(readiness, 'ready (healthy or degraded)'),
    503: jsonResponse(readiness, 'not ready: a critical check failed, or shutting down'),
  })
  const healthDocs = open('Every check, with its duration', {
    200: jsonResponse(health, 'healthy or degraded'),
    503: jsonResponse(health, 'unhealthy'),
  })

  app.get('/health/live', liveDocs, async () => ({ status: 'alive' }))

  app.get('/health/ready', readyDocs, async (request, reply) => {
    if (app.draining) return reply.status(503).send({ status: 'not_ready', reason: 'shutting_down' })
    const report = await monitor.report()
    const ready = report.status !== 'unhealthy'
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: shown(request, report.checks) })
  })

  app.get('/health', healthDocs, async (request, reply) => {
    const probed = await monitor.report()
    const report = app.draining ? summarise([...probed.checks, SHUTTING_DOWN]) : probed
    return reply
      .status(report.status === 'unhealthy' ? 503 : 200)
      .send({ ...report, checks: shown(request, report.checks) })
  })
}
