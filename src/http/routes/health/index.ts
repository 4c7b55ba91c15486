import type { FastifyPluginAsync } from 'fastify'
import { type CheckResult, summarise } from '../../../observability/health.js'
import type { HealthMonitor } from '../../../observability/health-monitor.js'

export interface HealthRouteOptions {
  monitor: HealthMonitor
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
export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { monitor }) => {
  const open = { config: { public: true } }

  app.get('/health/live', open, async () => ({ status: 'alive' }))

  app.get('/health/ready', open, async (_request, reply) => {
    if (app.draining) return reply.status(503).send({ status: 'not_ready', reason: 'shutting_down' })
    const report = await monitor.report()
    const ready = report.status !== 'unhealthy'
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: report.checks })
  })

  app.get('/health', open, async (_request, reply) => {
    const probed = await monitor.report()
    const report = app.draining ? summarise([...probed.checks, SHUTTING_DOWN]) : probed
    return reply.status(report.status === 'unhealthy' ? 503 : 200).send(report)
  })
}
