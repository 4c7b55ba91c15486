// Builds the real app against a fresh table in DynamoDB Local, with tokens for any tenant and user.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { DestinationStream } from 'pino'
import type { DependencyContainer } from 'tsyringe'
import { buildApp } from '../../src/app.js'
import { type Config, type Environment, loadConfig } from '../../src/config/config.js'
import { buildContainer, servicesOf, TOKENS } from '../../src/container.js'
import { createDocumentClient } from '../../src/db/dynamodb-client.js'
import type { Role } from '../../src/models/index.js'
import type { Clock } from '../../src/services/clock.js'
import { checkResponses, committedContract } from './contract.js'
import { createTestTable } from './dynamodb.js'
import { forgetResolvedMiddleware } from './faults.js'
import { sharedRedisEnv } from './redis.js'
import { TEST_JWT_SECRET, testToken } from './tokens.js'

export interface TestApp {
  app: FastifyInstance
  container: DependencyContainer
  config: Readonly<Config>
  tableName: string
  /** The app's data client (every gateway call), for faults and records of what the app sent. */
  data: DynamoDBClient
  /** Plain-item access to the table for the test itself, beside the app (not through its data client). */
  document: DynamoDBDocumentClient
  /** A signed token; claims can be overridden or removed (set to undefined). */
  token(tenantId: string, userId: string, roles?: Role[], claims?: Record<string, unknown>): string
  /** Every route the app registered, as the onRoute hooks left it (Fastify reuses the objects). */
  routes: RegisteredRoute[]
  /** inject() with a bearer token for this tenant/user. */
  as(
    tenantId: string,
    userId: string,
    roles?: Role[],
  ): (options: InjectOptions) => Promise<LightMyRequestResponse>
}

interface TestLike {
  teardown(fn: () => unknown): void
  fail(message: string): void
}

export interface RegisteredRoute {
  method: string
  url: string
  /** Hidden from the OpenAPI document. */
  readonly hidden: boolean
}

export interface TestAppOptions {
  env?: Environment
  /** A DynamoDB Local of the test's own (one it stops or freezes); the shared one by default. */
  endpoint?: string
  /**
   * Another test app's table, served beside it (a second instance, or new code beside old during a
   * rolling deploy); a new table by default.
   */
  table?: { endpoint: string; tableName: string }
  /** The app's clock (TOKENS.Clock), for times a test decides; the system clock when absent. */
  clock?: Clock
  /** Replace registrations before the app is built. */
  register?: (container: DependencyContainer) => void
  /** Capture log lines (at LOG_LEVEL info unless env says otherwise); logs are silent without it. */
  logStream?: DestinationStream
  /**
   * Called for each response the OpenAPI document does not describe; by default it fails the test
   * that built the app, so every integration test is also a contract test.
   */
  onContractViolation?: (problem: string) => void
  /** Runs before any route is registered, after the helper's own hooks (see BuildAppOptions). */
  beforeRoutes?: (app: FastifyInstance) => void
}

export async function buildTestApp(t: TestLike, options: TestAppOptions = {}): Promise<TestApp> {
  const { endpoint, tableName } = options.table ?? (await createTestTable(options.endpoint))
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: options.logStream ? 'info' : 'silent',
    DYNAMODB_ENDPOINT: endpoint,
    APP_TABLE_NAME: tableName,
    JWT_SECRET: TEST_JWT_SECRET,
    // Usage is metered but flushed only at close (unless a test asks): a flush during a test would
    // add usage items to the table that tests scan.
    USAGE_FLUSH_SECONDS: '3600',
    ...sharedRedisEnv(),
    ...options.env,
  })
  const container = buildContainer(config)
  if (options.clock) container.register(TOKENS.Clock, { useValue: options.clock })
  options.register?.(container)
  const routes: RegisteredRoute[] = []
  const onViolation = options.onContractViolation ?? ((problem: string) => t.fail(`contract: ${problem}`))
  const app = await buildApp(container, {
    ...(options.logStream ? { logStream: options.logStream } : {}),
    beforeRoutes: (app) => {
      app.addHook('onRoute', (route) => {
        // The url now: Fastify may reuse the object for a twin route. Whether it is hidden later:
        // the app's own onRoute hooks, which run after this one, may change the schema.
        for (const method of [route.method].flat()) {
          routes.push({
            method,
            url: route.url,
            get hidden() {
              return (route.schema as { hide?: boolean } | undefined)?.hide === true
            },
          })
        }
      })
      checkResponses(app, committedContract(), onViolation)
      options.beforeRoutes?.(app)
    },
  })
  await app.ready()
  t.teardown(() => app.close())

  return {
    app,
    container,
    config,
    tableName,
    routes,
    data: servicesOf(container).DataClient,
    document: createDocumentClient(servicesOf(container).DynamoDbClient),
    token: testToken,
    as: (tenantId, userId, roles) => {
      const authorization = `Bearer ${testToken(tenantId, userId, roles)}`
      return (request) => app.inject({ ...request, headers: { authorization, ...request.headers } })
    },
  }
}

/** Adds a middleware to the app's data client at the initialize step, where its own call metrics are. */
export function addCallMiddleware(
  testApp: Pick<TestApp, 'data'>,
  middleware: InitializeMiddleware<object, MetadataBearer>,
  name: string,
): void {
  testApp.data.middlewareStack.add(middleware, { step: 'initialize', name })
  forgetResolvedMiddleware(testApp.data)
}
