// The real app on a fresh table in an in-memory DynamoDB Local, listening on 127.0.0.1, with
// tokens for any tenant. Everything it starts is stopped by stop().
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createSigner } from 'fast-jwt'
import type { FastifyInstance } from 'fastify'
import { ulid } from 'ulid'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config/config.js'
import { buildContainer, TOKENS } from '../../src/container.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local.js'

const JWT_SECRET = 'bench-secret-that-is-long-enough'

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

export async function startBenchServer(): Promise<BenchServer> {
  const local = await startDynamoDbLocal()
  let app: FastifyInstance | undefined
  try {
    const tableName = `bench-${ulid().toLowerCase()}`
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DYNAMODB_ENDPOINT: local.endpoint,
      APP_TABLE_NAME: tableName,
      JWT_SECRET,
    })
    const container = buildContainer(config)
    await ensureTable(container.resolve<DynamoDBClient>(TOKENS.DynamoDbClient), tableName)
    app = await buildApp(container)
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
    const sign = createSigner({ key: JWT_SECRET, algorithm: 'HS256', expiresIn: '1h' })
    const running = app
    return {
      baseUrl,
      config,
      tableName,
      document: container.resolve<DynamoDBDocumentClient>(TOKENS.DocumentClient),
      token: (tenantId, userId) => sign({ sub: userId, tenant_id: tenantId, roles: ['member'] }),
      stop: () => stopAll(running, local),
    }
  } catch (error) {
    await stopAll(app, local)
    throw error
  }
}

async function stopAll(app: FastifyInstance | undefined, local: DynamoDbLocal): Promise<void> {
  try {
    // Closing the app also destroys its DynamoDB client.
    await app?.close()
  } finally {
    await local.stop()
  }
}
