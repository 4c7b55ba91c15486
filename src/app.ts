// The whole app as a plugin tree, built from a DI container. Tests build it and use inject();
// server.ts owns the process around it.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import { validatorCompiler } from 'fastify-type-provider-zod'
import type { DependencyContainer } from 'tsyringe'
import type { Config } from './config/config.js'
import { TOKENS } from './container.js'
import apiVersion from './http/plugins/app/api-version.js'
import authentication from './http/plugins/app/authentication.js'
import correlationId, { correlationIdOf } from './http/plugins/app/correlation-id.js'
import errorHandler from './http/plugins/app/error-handler.js'
import httpMetrics from './http/plugins/app/metrics.js'
import cors from './http/plugins/external/cors.js'
import jwt from './http/plugins/external/jwt.js'
import swagger from './http/plugins/external/swagger.js'
import { docsRoutes } from './http/routes/docs/index.js'
import { groupRoutes } from './http/routes/groups/index.js'
import { GROUP_VERSIONS } from './http/routes/groups/versions.js'
import { healthRoutes } from './http/routes/health/index.js'
import { mergeChanges } from './http/versioning/schema-change.js'
import { UnversionedPaths } from './http/versioning/unversioned-paths.js'
import { versionedRoutes } from './http/versioning/versioned-routes.js'
import { checkTable } from './observability/health.js'
import { loggerOptions } from './observability/logger.js'
import type { Metrics } from './observability/metrics.js'
import type { GroupService } from './services/group-service.js'

export interface BuildAppOptions {
  /** Overrides of Fastify's own options (tests pass `logger: false`). */
  fastify?: FastifyServerOptions
  /** Runs before any route is registered, so that its onRoute hooks see them all (tests). */
  beforeRoutes?: (app: FastifyInstance) => void | Promise<void>
}

/** How each resource looks in each API version (see src/http/versioning). */
const API_CHANGES = mergeChanges(GROUP_VERSIONS)

export async function buildApp(
  container: DependencyContainer,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const config = container.resolve<Config>(TOKENS.Config)
  const unversioned = new UnversionedPaths()
  const app = Fastify({
    logger: loggerOptions(config),
    genReqId: correlationIdOf,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
    bodyLimit: config.bodyLimitBytes,
    rewriteUrl: (raw) => unversioned.rewrite(raw.url ?? '/', raw.headers),
    ...options.fastify,
  })
  app.setValidatorCompiler(validatorCompiler)
  // Response schemas are there for the OpenAPI document; checking every response against them
  // would cost each request, so serializing stays JSON.stringify. The contract tests check them.
  app.setSerializerCompiler(() => JSON.stringify)
  await options.beforeRoutes?.(app)

  await app.register(errorHandler)
  await app.register(swagger)
  await app.register(correlationId)
  await app.register(apiVersion, { unversioned })
  await app.register(cors, { cors: config.cors })
  await app.register(jwt, { jwt: config.jwt })
  await app.register(authentication)
  await app.register(httpMetrics, { metrics: container.resolve<Metrics>(TOKENS.Metrics) })

  const client = container.resolve<DynamoDBClient>(TOKENS.DynamoDbClient)
  app.addHook('onClose', async () => client.destroy())
  await app.register(healthRoutes, {
    checks: async () => [await checkTable(client, config.dynamodb.tableName)],
  })
  await app.register(docsRoutes)
  const groups = container.resolve<GroupService>(TOKENS.GroupService)
  await app.register(versionedRoutes, {
    changes: API_CHANGES,
    unversioned,
    routes: async (api) => {
      await api.register(groupRoutes, { groups })
    },
  })

  return app
}
