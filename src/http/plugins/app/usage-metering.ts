// Counts every authenticated request for its tenant's usage, by route template and status class.
// The tenant is the verified token's; a request refused before its token was verified (401)
// counts for no one. DynamoDB capacity is counted where the calls are made (src/db/call-metrics.ts).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { UsageMeter } from '../../../observability/usage-meter.js'

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx']

async function usageMetering(app: FastifyInstance, { meter }: { meter: UsageMeter }) {
  app.observeRequests({
    ended(request, reply, outcome) {
      const tenantId = request.auth?.tenantId
      if (!tenantId) return
      const statusClass =
        outcome === 'aborted' ? 'aborted' : (STATUS_CLASSES[Math.floor(reply.statusCode / 100)] ?? 'other')
      meter.addRequest(tenantId, request.method, request.routeOptions.url ?? 'unmatched', statusClass)
    },
  })
}

export default fp(usageMetering, { name: 'usage-metering', dependencies: ['request-outcome'] })
