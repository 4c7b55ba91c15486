import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { z } from 'zod'
import { HistogramSeries, ValueSeries } from '../../../observability/metric-series.js'
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
  // Series resolved once per label set (see metric-series.ts); every label is bounded.
  const inFlight = new ValueSeries(metrics.httpRequestsInFlight)
  const byTier = new Map<string, ValueSeries>()
  /** route → method → status code (0: aborted) → series */
  const durations = new Map<string, Map<string, HistogramSeries[]>>()
  const durationOf = (route: string, method: string, status: number) => {
    let ofRoute = durations.get(route)
    if (!ofRoute) {
      ofRoute = new Map()
      durations.set(route, ofRoute)
    }
    let ofMethod = ofRoute.get(method)
    if (!ofMethod) {
      ofMethod = []
      ofRoute.set(method, ofMethod)
    }
    let series = ofMethod[status]
    if (!series) {
      const statusClass = status === 0 ? 'aborted' : `${Math.floor(status / 100)}xx`
      series = new HistogramSeries(metrics.httpRequestDuration, { method, route, status_class: statusClass })
      ofMethod[status] = series
    }
    return series
  }
  app.observeRequests({
    started: () => inFlight.add(1),
    ended(request, reply, outcome) {
      inFlight.add(-1)
      const tier = request.tenantTier
      if (tier) {
        let series = byTier.get(tier)
        if (!series) {
          series = new ValueSeries(metrics.httpRequestsByTier, { tier })
          byTier.set(tier, series)
        }
        series.add(1)
      }
      const route = request.routeOptions.url ?? 'unmatched'
      const status = outcome === 'aborted' ? 0 : reply.statusCode
      durationOf(route, request.method, status).observe(reply.elapsedTime / 1000)
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
