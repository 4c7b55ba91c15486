// DynamoDB Local for tests: `npm test` starts one in-memory instance and passes its endpoint in
// TESSERA_TEST_DYNAMODB_ENDPOINT; a test file run on its own starts its own.
import { ulid } from 'ulid'
import { startDynamoDbLocal } from '../../scripts/dynamodb-local.js'
import { loadConfig } from '../../src/config/config.js'
import { createDynamoDbClient } from '../../src/db/dynamodb-client.js'
import { ensureTable } from '../../src/db/table-admin.js'
import { tableDefinition } from '../../src/models/index.js'
import { ALL_MODELS } from '../../src/resources/index.js'

export const TEST_ENDPOINT_VARIABLE = 'TESSERA_TEST_DYNAMODB_ENDPOINT'

let endpoint: Promise<string> | undefined

export function testDynamoDbEndpoint(): Promise<string> {
  const given = process.env[TEST_ENDPOINT_VARIABLE]
  if (given) return Promise.resolve(given)
  // Unref'd so the test process can end; the launcher kills DynamoDB Local when it does.
  endpoint ??= startDynamoDbLocal({ unref: true }).then((local) => local.endpoint)
  return endpoint
}

/**
 * A new, empty table created from the models' definition, unique to the caller: in the shared
 * DynamoDB Local, or in the one at `endpoint` (a test that stops or freezes its own).
 */
export async function createTestTable(endpoint?: string): Promise<{ endpoint: string; tableName: string }> {
  const url = endpoint ?? (await testDynamoDbEndpoint())
  const tableName = `test-${ulid().toLowerCase()}`
  const client = createDynamoDbClient(
    loadConfig({ DYNAMODB_ENDPOINT: url, APP_TABLE_NAME: tableName }).dynamodb,
  )
  try {
    await ensureTable(client, tableDefinition(tableName, ALL_MODELS))
  } finally {
    client.destroy()
  }
  return { endpoint: url, tableName }
}

let indexBuildInstance: Promise<string> | undefined

/**
 * DynamoDB Local builds a new index slower the more tables it holds: in the test run's shared
 * instance, after a few hundred test tables, an added index did not become ACTIVE within two
 * minutes. Tests that add indexes to a table use an instance of their own, one per test file.
 */
export function indexBuildEndpoint(): Promise<string> {
  indexBuildInstance ??= startDynamoDbLocal({ unref: true }).then((local) => local.endpoint)
  return indexBuildInstance
}
