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

/** Times every request, labelled by route template; unmatched URLs share one label. */
async function httpMetrics(app: FastifyInstance, { metrics }: { metrics: Metrics }) {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      },
      reply.elapsedTime / 1000,
    )
  })

  app.get('/metrics', { config: { public: true }, schema: metricsSchema }, async (_request, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}

export default fp(httpMetrics, { name: 'http-metrics' })
