// DynamoDB Local (in memory) with a fresh table, and the real app on it listening on 127.0.0.1 —
// in this process (startBenchServer), or in child processes that take their settings from
// BenchTable.environment (see child-server.ts). Tokens for any tenant. stop() stops what was started.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createSigner } from 'fast-jwt'
import type { FastifyInstance } from 'fastify'
import { ulid } from 'ulid'
import { buildApp } from '../../src/app.js'
import { type Config, type Environment, loadConfig } from '../../src/config/config.js'
import { buildContainer, servicesOf } from '../../src/container.js'
import { createDocumentClient, createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { tableDefinition } from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'
import { startDynamoDbLocal } from '../dynamodb-local.js'

const JWT_SECRET = 'bench-secret-that-is-long-enough'

export interface BenchTable {
  tableName: string
  /**
   * The variables a server needs to use this table, accept `token()`s and take any load from them:
   * the tokens' tenants have no record, so the standard tier's rate limit applies, and it is set out
   * of reach (the limiter still runs; a benchmark sends far more than a tenant's minute allows).
   */
  environment: Readonly<Record<string, string>>
  /** Clients of this process with the app's client settings (pool, timeouts, retries). */
  client: DynamoDBClient
  document: DynamoDBDocumentClient
  /** The app's client settings, for more clients like `client`. */
  clientSettings: Config['dynamodb']
  /** A signed bearer token for a member of `tenantId`, valid for an hour. */
  token(tenantId: string, userId: string): string
  stop(): Promise<void>
}

export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string
  config: Readonly<Config>
  tableName: string
  document: DynamoDBDocumentClient
  /** A signed bearer token for a member of `tenantId`. */
  token(tenantId: string, userId: string): string
  stop(): Promise<void>
}

export async function startBenchTable(): Promise<BenchTable> {
  const local = await startDynamoDbLocal()
  let client: DynamoDBClient | undefined
  try {
    const tableName = `bench-${ulid().toLowerCase()}`
    const environment = {
      DYNAMODB_ENDPOINT: local.endpoint,
      APP_TABLE_NAME: tableName,
      JWT_SECRET,
      RATE_LIMIT_STANDARD_PER_MINUTE: String(1_000_000_000),
    }
    const config = loadConfig({ NODE_ENV: 'test', ...environment })
    client = createDynamoDbClient(config.dynamodb)
    await ensureTable(client, tableDefinition(tableName, ALL_MODELS))
    const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256', expiresIn: '1h' })
    const created = client
    return {
      tableName,
      environment,
      client,
      document: createDocumentClient(client),
      clientSettings: config.dynamodb,
      token: (tenantId, userId) => sign({ sub: userId, tenant_id: tenantId, roles: ['member'] }),
      stop: async () => {
        created.destroy()
        await local.stop()
      },
    }
  } catch (error) {
    client?.destroy()
    await local.stop()
    throw error
  }
}

export async function startBenchServer(): Promise<BenchServer> {
  const table = await startBenchTable()
  let app: FastifyInstance | undefined
  try {
    const environment: Environment = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      ...table.environment,
    }
    const config = loadConfig(environment)
    const container = buildContainer(config)
    app = await buildApp(container)
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
    const running = app
    return {
      baseUrl,
      config,
      tableName: table.tableName,
      document: createDocumentClient(servicesOf(container).DynamoDbClient),
      token: table.token,
      stop: () => stopAll(running, table),
    }
  } catch (error) {
    await stopAll(app, table)
    throw error
  }
}

async function stopAll(app: FastifyInstance | undefined, table: BenchTable): Promise<void> {
  try {
    // Closing the app also destroys its DynamoDB client.
    await app?.close()
  } finally {
    await table.stop()
  }
}
