// The whole app as a plugin tree, built from a DI container. Tests build it and use inject();
// server.ts owns the process around it.

import type { Server } from 'node:http'
import Fastify, { type FastifyHttpOptions, type FastifyInstance, LogController } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { DestinationStream } from 'pino'
import type { DependencyContainer } from 'tsyringe'
import { servicesOf } from './container.js'
import { defaultCompilersOnFirstUse } from './http/default-compilers.js'
import answerHeaders from './http/plugins/app/answer-headers.js'
import authentication from './http/plugins/app/authentication.js'
import clientErrors, { clientErrorHandler } from './http/plugins/app/client-errors.js'
import { correlationIdOf } from './http/plugins/app/correlation-id.js'
import earlyAnswers from './http/plugins/app/early-answers.js'
import errorHandler, { frameworkErrorReply } from './http/plugins/app/error-handler.js'
import idempotency from './http/plugins/app/idempotency.js'
import lifecycle from './http/plugins/app/lifecycle.js'
import httpMetrics from './http/plugins/app/metrics.js'
import opsListener from './http/plugins/app/ops-listener.js'
import requestBody from './http/plugins/app/request-body.js'
import requestLogging from './http/plugins/app/request-logging.js'
import requestOutcome from './http/plugins/app/request-outcome.js'
import tenantStanding from './http/plugins/app/tenant-standing.js'
import usageMetering from './http/plugins/app/usage-metering.js'
import cors from './http/plugins/external/cors.js'
import jwt from './http/plugins/external/jwt.js'
import rateLimit from './http/plugins/external/rate-limit.js'
import swagger from './http/plugins/external/swagger.js'
import loadShedding from './http/plugins/external/under-pressure.js'
import { auditRoutes } from './http/routes/audit/index.js'
import { docsRoutes } from './http/routes/docs/index.js'
import { healthRoutes } from './http/routes/health/index.js'
import { resourceRoutes } from './http/routes/resource-routes.js'
import { usageRoutes } from './http/routes/tenants/usage.js'
import { mergeChanges } from './http/versioning/schema-change.js'
import { UnversionedPaths } from './http/versioning/unversioned-paths.js'
import { versionedRoutes } from './http/versioning/versioned-routes.js'
import { readProbeCheck, tableStatusCheck } from './observability/dynamodb-health.js'
import { eventLoopCheck } from './observability/event-loop-health.js'
import { HealthMonitor } from './observability/health-monitor.js'
import { lazyChildLogger } from './observability/lazy-child-logger.js'
import { createLogger } from './observability/logger.js'
import { redactedKeys } from './observability/redaction.js'
import { redisCheck } from './observability/redis-health.js'
import { sharedRateLimitStore } from './redis/rate-limit-store.js'
import { ALL_MODELS, AUDITED_ENTITY_TYPES, RESOURCES, resourceService } from './resources/index.js'

export interface BuildAppOptions {
  /** Overrides of Fastify's own options (server.ts passes its timeouts). */
  fastify?: FastifyHttpOptions<Server>
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: DestinationStream
  /** Runs before any route is registered, so that its onRoute hooks see them all (tests). */
  beforeRoutes?: (app: FastifyInstance) => void | Promise<void>
}

/** How long the start waits for the invalidation channel to listen before serving without it. */
const REDIS_START_WAIT_MS = 1_000

/** How each resource looks in each API version (see src/http/versioning). */
const API_CHANGES = mergeChanges(...RESOURCES.map((resource) => resource.versions))

export async function buildApp(
  container: DependencyContainer,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const services = servicesOf(container)
  const config = services.Config
  const metrics = services.Metrics
  const unversioned = new UnversionedPaths()
  const app = Fastify({
    loggerInstance: createLogger(
      config,
      options.logStream,
      { onLineDropped: () => metrics.logLinesDropped.inc() },
      redactedKeys(ALL_MODELS),
    ),
    genReqId: correlationIdOf,
    childLoggerFactory: lazyChildLogger,
    // request-logging writes one line per request instead, with the route template and the caller.
    logController: new LogController({ requestIdLogLabel: 'correlationId', disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Ids in paths may be up to 128 characters (more once percent-encoded); the route schemas
    // decide what is valid and answer 400, not the router's bare 414.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: frameworkErrorReply,
    clientErrorHandler: clientErrorHandler(config.http.linger),
    // Requests reaching a closing server are still answered (lifecycle closes their connection);
    // Fastify's own 503 would not be in the error envelope.
    return503OnClosing: false,
    rewriteUrl: (raw) => unversioned.rewrite(raw.url ?? '/', raw.headers),
    schemaController: { compilersFactory: defaultCompilersOnFirstUse },
    ...options.fastify,
  })
  app.setValidatorCompiler(validatorCompiler)
  // Response schemas are there for the OpenAPI document; checking every response against them
  // would cost each request, so serializing stays JSON.stringify. The contract tests check them.
  app.setSerializerCompiler(() => JSON.stringify)
  await options.beforeRoutes?.(app)

  // First, so that its onRequest hook runs before any other: every request is seen to start.
  await app.register(requestOutcome)
  await app.register(clientErrors)
  await app.register(errorHandler)
  await app.register(requestBody)
  await app.register(swagger)
  await app.register(answerHeaders, { unversioned })
  await app.register(lifecycle)
  await app.register(earlyAnswers, { linger: config.http.linger })
  await app.register(cors, { cors: config.cors })
  await app.register(opsListener, { enabled: config.opsPort !== 0 })
  // After the plugins whose headers every answer carries, so that a shed request gets them too.
  await app.register(loadShedding, { loadShedding: config.loadShedding })
  await app.register(jwt, { jwt: config.jwt })
  await app.register(authentication)
  await app.register(tenantStanding, {
    standings: services.TenantStandingCache,
    // Counting its refused requests would write usage items of a tenant whose data was purged.
    onOffboarded: (tenantId) => services.UsageMeter.forgetTenant(tenantId),
  })
  const redis = services.Redis
  const { tableName } = config.dynamodb
  await app.register(rateLimit, {
    limits: config.rateLimitPerMinute,
    store: redis && sharedRateLimitStore(redis, `tessera:${tableName}:rate:`),
  })
  await app.register(idempotency, { store: services.IdempotencyStore })
  await app.register(requestLogging)
  await app.register(httpMetrics, { metrics })
  const usage = services.UsageFlusher
  if (config.usage.flushIntervalMs > 0) {
    await app.register(usageMetering, { meter: services.UsageMeter })
    usage.start(({ error, unwritten, closing }) => {
      if (closing) app.log.error({ err: error, unwritten }, 'usage not flushed at shutdown: lost')
      else app.log.warn({ err: error, unwritten }, 'usage flush failed; kept for the next one')
    })
  }

  const client = services.DynamoDbClient
  const data = services.DataClient
  app.addHook('onClose', async () => {
    // Every request has ended by now: the last of their usage goes out before the clients do.
    await usage.close()
    data.destroy()
    client.destroy()
    redis?.close()
  })
  if (redis) {
    redis.logTo(app.log)
    // Subscribed from the start, not from this instance's first write: it must hear the others'.
    // A Redis that does not answer delays the start by a second at most; the channel keeps trying.
    await services.Invalidations?.listening(REDIS_START_WAIT_MS)
  }
  const health = new HealthMonitor(
    [
      tableStatusCheck(client, tableName),
      readProbeCheck(client, tableName),
      eventLoopCheck(() => app.memoryUsage().eventLoopDelay, config.health.maxEventLoopDelayMs),
      ...(redis ? [redisCheck(redis)] : []),
    ],
    {
      timeoutMs: config.health.probeTimeoutMs,
      degradedAfterMs: config.health.degradedAfterMs,
      cacheTtlMs: config.health.cacheTtlMs,
      onProbed: (report) => {
        const failing = report.checks.filter((check) => check.status !== 'healthy')
        if (failing.length > 0) app.log.warn({ checks: failing }, 'health checks not healthy')
      },
    },
  )
  await app.register(healthRoutes, { monitor: health, details: config.health.details })
  await app.register(docsRoutes)
  const audit = services.AuditService
  await app.register(versionedRoutes, {
    changes: API_CHANGES,
    unversioned,
    routes: async (api) => {
      for (const resource of RESOURCES)
        await api.register(resourceRoutes(resource), { service: resourceService(container, resource) })
      await api.register(auditRoutes, { audit, entityTypes: AUDITED_ENTITY_TYPES })
      await api.register(usageRoutes, { usage: services.UsageService })
    },
  })

  return app
}
