// Load shedding: while the event loop, heap or RSS is over its threshold, requests are refused
// at once with 503 SERVICE_UNAVAILABLE and Retry-After, instead of queueing until they time out.
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'
import { serviceUnavailable } from '../../../errors/app-error.js'

// Probes and scrapes keep answering under pressure: a liveness 503 would get a busy (but working)
// container killed, and metrics are most needed exactly then.
export const NEVER_SHED = new Set(['/health/live', '/health/ready', '/health', '/metrics'])

export interface LoadSheddingOptions {
  loadShedding: Config['loadShedding']
}

async function loadShedding(app: FastifyInstance, { loadShedding: limits }: LoadSheddingOptions) {
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxEventLoopUtilization: limits.maxEventLoopUtilization,
    // Utilisation over the last sample, not since start-up, which would hardly ever move.
    eventLoopUtilizationMode: 'interval',
    maxHeapUsedBytes: limits.maxHeapUsedBytes,
    maxRssBytes: limits.maxRssBytes,
    retryAfter: limits.retryAfterSeconds,
    pressureHandler: async (request, _reply, type, value) => {
      if (NEVER_SHED.has(request.routeOptions.url ?? '')) return
      request.log.warn({ pressure: type, value }, 'request shed under load')
      throw serviceUnavailable(undefined, limits.retryAfterSeconds)
    },
  })
}

export default fp(loadShedding, { name: 'load-shedding' })
