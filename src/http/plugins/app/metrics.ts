import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Metrics } from '../../../observability/metrics.js'

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

  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}

export default fp(httpMetrics, { name: 'http-metrics' })
