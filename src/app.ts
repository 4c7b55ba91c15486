// The whole app as a plugin tree, built from a DI container. Tests build it and use inject();
// server.ts owns the process around it.

import type { Server } from 'node:http'
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import Fastify, { type FastifyHttpOptions, type FastifyInstance, LogController } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type { DestinationStream } from 'pino'
import type { DependencyContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { TOKENS } from './container.js'
import apiVersion from './http/plugins/app/api-version.js'
import authentication from './http/plugins/app/authentication.js'
import correlationId, { correlationIdOf } from './http/plugins/app/correlation-id.js'
import errorHandler from './http/plugins/app/error-handler.js'
import lifecycle from './http/plugins/app/lifecycle.js'
import httpMetrics from './http/plugins/app/metrics.js'
import requestLogging from './http/plugins/app/request-logging.js'
import cors from './http/plugins/external/cors.js'
import jwt from './http/plugins/external/jwt.js'
import loadShedding from './http/plugins/external/under-pressure.js'
import { groupRoutes } from './http/routes/groups/index.js'
import { healthRoutes } from './http/routes/health/index.js'
import { readProbeCheck, tableStatusCheck } from './observability/dynamodb-health.js'
import { eventLoopCheck } from './observability/event-loop-health.js'
import { HealthMonitor } from './observability/health-monitor.js'
import { loggerOptions } from './observability/logger.js'
import type { Metrics } from './observability/metrics.js'
import type { GroupService } from './services/group-service.js'

export interface BuildAppOptions {
  /** Overrides of Fastify's own options (server.ts passes its timeouts). */
  fastify?: FastifyHttpOptions<Server>
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: DestinationStream
}

export async function buildApp(
  container: DependencyContainer,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const config = container.resolve<Config>(TOKENS.Config)
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    genReqId: correlationIdOf,
    // request-logging writes one line per request instead, with the route template and the caller.
    logController: new LogController({ requestIdLogLabel: 'correlationId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Requests reaching a closing server are still answered (lifecycle closes their connection);
    // Fastify's own 503 would not be in the error envelope.
    return503OnClosing: false,
    ...options.fastify,
  })
  // Bodies are JSON only: without this, Fastify would parse text/plain and answer 400, not 415.
  app.removeContentTypeParser('text/plain')
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(errorHandler)
  await app.register(correlationId)
  await app.register(apiVersion)
  await app.register(lifecycle)
  await app.register(loadShedding, { loadShedding: config.loadShedding })
  await app.register(cors, { cors: config.cors })
  await app.register(jwt, { jwt: config.jwt })
  await app.register(authentication)
  await app.register(requestLogging)
  await app.register(httpMetrics, { metrics: container.resolve<Metrics>(TOKENS.Metrics) })

  const client = container.resolve<DynamoDBClient>(TOKENS.DynamoDbClient)
  app.addHook('onClose', async () => client.destroy())
  const { tableName } = config.dynamodb
  const health = new HealthMonitor(
    [
      tableStatusCheck(client, tableName),
      readProbeCheck(client, tableName),
      eventLoopCheck(() => app.memoryUsage().eventLoopDelay, config.health.maxEventLoopDelayMs),
    ],
    {
      timeoutMs: config.health.probeTimeoutMs,
      degradedAfterMs: config.health.degradedAfterMs,
      cacheTtlMs: config.health.cacheTtlMs,
    },
  )
  await app.register(healthRoutes, { monitor: health })
  await app.register(groupRoutes, {
    prefix: '/v2',
    groups: container.resolve<GroupService>(TOKENS.GroupService),
  })

  return app
}
