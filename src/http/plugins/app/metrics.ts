import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { z } from 'zod'
import type { Metrics } from '../../../observability/metrics.js'
import { OPERATIONS_TAG } from '../../openapi/document.js'

const metricsSchema = {
  summary: 'Prometheus metrics',
  tags: [OPERATIONS_TAG],
  response: {
    200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
  },
}

const counted = Symbol('counted in flight')

/**
 * Times every request, labelled by route template (unmatched URLs share one label), counts the
 * requests in flight, and counts requests by tenant tier (the tier, not the tenant: bounded labels).
 */
async function httpMetrics(app: FastifyInstance, { metrics }: { metrics: Metrics }) {
  const settle = (request: FastifyRequest & { [counted]?: boolean }) => {
    if (!request[counted]) return
    request[counted] = false
    metrics.httpRequestsInFlight.dec()
  }
  app.addHook('onRequest', (request: FastifyRequest & { [counted]?: boolean }, _reply, done) => {
    request[counted] = true
    metrics.httpRequestsInFlight.inc()
    done()
  })
  app.addHook('onRequestAbort', async (request) => settle(request))
  app.addHook('onResponse', (request, reply, done) => {
    settle(request)
    if (request.tenantTier) metrics.httpRequestsByTier.inc({ tier: request.tenantTier })
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    )
    done()
  })

  app.get('/metrics', { config: { public: true }, schema: metricsSchema }, async (_request, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}

export default fp(httpMetrics, { name: 'http-metrics' })
