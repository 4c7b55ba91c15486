// One line per request, replacing Fastify's own request logging: it names the route template
// (never the raw URL, which may carry ids or query values) and who was asking.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LineTemplate } from '../../../observability/line-template.js'

/** The fields of a request's completion line; correlationId comes from the request's logger. */
export function completionFields(request: FastifyRequest, reply: FastifyReply) {
  return {
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    tenantId: request.auth?.tenantId ?? null,
    userId: request.auth?.userId ?? null,
  }
}

// Every request writes this line: from a template, as pino would write it (line-template.ts).
const completed = new LineTemplate('info', 'request completed', [
  'method',
  'route',
  'status',
  'durationMs',
  'tenantId',
  'userId',
])

async function requestLogging(app: FastifyInstance) {
  app.observeRequests({
    ended(request, reply, outcome) {
      if (outcome === 'completed') {
        completed.write(request.log, completionFields(request, reply))
        return
      }
      // The status is the answer the client never got, if one was on its way.
      const status = reply.sent ? reply.statusCode : null
      request.log.info({ ...completionFields(request, reply), status }, 'request aborted by the client')
    },
  })
}

export default fp(requestLogging, {
  name: 'request-logging',
  dependencies: ['authentication', 'request-outcome'],
})
