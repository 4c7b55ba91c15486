// Load shedding: while the event loop, heap or RSS is over its threshold, requests are refused
// at once with 503 SERVICE_UNAVAILABLE and Retry-After, instead of queueing until they time out.
import underPressure, {
  type FastifyUnderPressureOptions,
  TYPE_HEAP_USED_BYTES,
  TYPE_RSS_BYTES,
} from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../../config/config.js'
import { serviceUnavailable } from '../../../errors/app-error.js'
import { failure } from '../../envelope.js'

// Probes and scrapes keep answering under pressure: a liveness 503 would get a busy (but working)
// container killed, and metrics are most needed exactly then.
export const NEVER_SHED = new Set(['/health/live', '/health/ready', '/health', '/metrics'])

// Memory grows with the bodies in flight (a batch takes many times its size once parsed and
// written), and RSS can stay up long after a spike has passed. So memory pressure refuses only
// requests that bring a large body (or one of unknown size): reads and small writes go on.
const MEMORY_PRESSURES = new Set<string>([TYPE_HEAP_USED_BYTES, TYPE_RSS_BYTES])
export const LARGE_BODY_BYTES = 64 * 1024

function bringsLargeBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  if (length === undefined) return request.headers['transfer-encoding'] !== undefined
  return !(Number(length) <= LARGE_BODY_BYTES)
}

type PressureHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  type: string,
  value: number | undefined,
) => ReturnType<typeof failure> | undefined

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
    // The refusal is answered here rather than thrown: it is the server protecting itself, logged
    // once at warn, not a failed request for the error handler to log at error. under-pressure
    // sends what the handler returns (its types only allow void).
    pressureHandler: ((request, reply, type, value) => {
      if (NEVER_SHED.has(request.routeOptions.url ?? '')) return undefined
      if (MEMORY_PRESSURES.has(type) && !bringsLargeBody(request)) return undefined
      request.log.warn({ pressure: type, value }, 'request shed under load')
      const refusal = serviceUnavailable(undefined, limits.retryAfterSeconds)
      reply.status(refusal.status).header('Retry-After', String(limits.retryAfterSeconds))
      return failure(refusal, request.id)
    }) as PressureHandler as FastifyUnderPressureOptions['pressureHandler'],
  })
}

export default fp(loadShedding, { name: 'load-shedding' })
