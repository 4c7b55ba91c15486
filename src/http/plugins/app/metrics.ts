import type { FastifyInstance } from 'fastify'
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

/**
 * Times every request, labelled by route template (unmatched URLs share one label), counts the
 * requests in flight, and counts requests by tenant tier (the tier, not the tenant: bounded labels).
 * A request its client left before the answer is timed under the status class `aborted`.
 */
async function httpMetrics(app: FastifyInstance, { metrics }: { metrics: Metrics }) {
  app.observeRequests({
    started: () => metrics.httpRequestsInFlight.inc(),
    ended(request, reply, outcome) {
      metrics.httpRequestsInFlight.dec()
      if (request.tenantTier) metrics.httpRequestsByTier.inc({ tier: request.tenantTier })
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_class: outcome === 'aborted' ? 'aborted' : `${Math.floor(reply.statusCode / 100)}xx`,
        },
        reply.elapsedTime / 1000,
      )
    },
  })

  app.get(
    '/metrics',
    { config: { public: true, listener: 'ops' }, schema: metricsSchema },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType)
      return metrics.registry.metrics()
    },
  )
}

export default fp(httpMetrics, { name: 'http-metrics', dependencies: ['request-outcome'] })
